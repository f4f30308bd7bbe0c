/** Where the signed-in API token lives: the browser's localStorage, under one key. */
const KEY = "ferry.token";

export function getToken(): string | null {
  try {
    return window.localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string): void {
  window.localStorage.setItem(KEY, token);
}

export function clearToken(): void {
  window.localStorage.removeItem(KEY);
}

/** Fired on window when the server refuses the stored token, so the sign-in form comes back. */
export const UNAUTHORIZED_EVENT = "ferry:unauthorized";

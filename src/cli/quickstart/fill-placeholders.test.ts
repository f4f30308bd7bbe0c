import { describe, expect, it } from "vitest";
import { PlaceholderError, fillPlaceholders } from "./fill-placeholders.js";

describe("fillPlaceholders", () => {
  it("fills every placeholder, however often it appears", () => {
    expect(fillPlaceholders("url: {{REPO}}\nagain: {{REPO}} on {{PORT}}\n", { REPO: "/srv/app", PORT: "8421" }, "f.yaml"))
      .toBe("url: /srv/app\nagain: /srv/app on 8421\n");
  });

  it("leaves workflow expressions alone", () => {
    const text = "value: ${{ freight.alias }}\n";
    expect(fillPlaceholders(text, {}, "f.yaml")).toBe(text);
  });

  it("names the file and line of a placeholder it has no value for", () => {
    const run = () => fillPlaceholders("a: 1\nb: {{MISSING}}\n", {}, "stages/dev/web.yaml");
    expect(run).toThrow(PlaceholderError);
    expect(run).toThrow("stages/dev/web.yaml:2: no value for the placeholder {{MISSING}}");
  });
});

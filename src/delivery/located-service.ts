import type { Service } from "../resources/index.js";
import type { DocumentLocator } from "./locate-documents.js";

/** A rendered Service and where it is written, for problems that name file, line and column. */
export interface LocatedService {
  readonly service: Service;
  /** The file, relative to the top of the config repository. */
  readonly file: string;
  readonly document: DocumentLocator;
}

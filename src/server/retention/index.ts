export { referencedArtifacts, type ArtifactReferences } from "./referenced-artifacts.js";

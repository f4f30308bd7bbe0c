const ADJECTIVES = [
  "amber", "bold", "brave", "bright", "calm", "clever", "cosmic", "crisp", "curious", "dapper",
  "daring", "eager", "early", "fancy", "fearless", "fluffy", "gentle", "giddy", "glad", "golden",
  "grand", "happy", "hasty", "humble", "jolly", "keen", "kind", "lively", "lucky", "mellow",
  "merry", "mighty", "misty", "modest", "nimble", "noble", "patient", "plucky", "polite", "proud",
  "quick", "quiet", "rapid", "rosy", "rustic", "shiny", "silent", "silver", "sleepy", "smooth",
  "snowy", "spry", "steady", "sunny", "swift", "tidy", "tiny", "upbeat", "vivid", "wandering",
  "warm", "wild", "witty", "zesty",
] as const;

const ANIMALS = [
  "alpaca", "badger", "beaver", "bison", "bobcat", "camel", "cheetah", "cougar", "coyote", "crane",
  "dingo", "dolphin", "eagle", "falcon", "ferret", "finch", "gazelle", "gecko", "gibbon", "heron",
  "ibex", "iguana", "jackal", "jaguar", "kestrel", "koala", "lemur", "leopard", "llama", "lynx",
  "magpie", "marmot", "meerkat", "mink", "moose", "narwhal", "ocelot", "octopus", "orca", "osprey",
  "otter", "owl", "panda", "pelican", "penguin", "puffin", "quail", "rabbit", "raven", "salmon",
  "seal", "sparrow", "squid", "stork", "tapir", "tiger", "toucan", "turtle", "walrus", "weasel",
  "whale", "wolf", "wombat", "yak",
] as const;

/**
 * A name for people, `adjective-animal`, derived from a freight name (hex digits) so the same
 * freight always gets the same alias. There are 4,096 aliases, so two freights can share one;
 * the name is what identifies freight.
 */
export function freightAlias(name: string): string {
  const adjective = ADJECTIVES[Number.parseInt(name.slice(0, 2), 16) % ADJECTIVES.length] ?? ADJECTIVES[0];
  const animal = ANIMALS[Number.parseInt(name.slice(2, 4), 16) % ANIMALS.length] ?? ANIMALS[0];
  return `${adjective}-${animal}`;
}

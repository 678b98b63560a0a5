// @ts-check
// Errors the server throws at start, with messages an operator can act on.

/** A setting (environment variable or startServer option) is malformed or incomplete. */
export class ConfigError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "ConfigError";
  }
}

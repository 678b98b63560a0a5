// Typed errors with messages a user can act on. Views show `message`; code branches on the class.

export class PeerboardError extends Error {
  override name = "PeerboardError";
}

/** User input that breaks a record's rules; `field` names the form field it belongs to. */
export class ValidationError extends PeerboardError {
  override name = "ValidationError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The signaling server refused our peer id (another device or browser uses this identity). */
export class IdentityInUseError extends PeerboardError {
  override name = "IdentityInUseError";
}

/** Text that is not a well-formed Peerboard peer id. */
export class PeerIdError extends PeerboardError {
  override name = "PeerIdError";
}

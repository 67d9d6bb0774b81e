package io.aifabric.protocol.seal;

import java.io.IOException;

/**
 * A sealed output that cannot be opened: not one, of a version this build does not read, sealed to
 * another key or for another job or replica, altered, cut short or extended. The message says
 * which, in words a user can act on.
 */
public class SealedOutputException extends IOException {
  public SealedOutputException(String message) {
    super(message);
  }
}

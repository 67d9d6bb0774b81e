package io.aifabric.protocol;

/** A message that cannot be read: it is refused before anything else is looked at. */
public class MalformedMessageException extends Exception {
  public MalformedMessageException(String message) {
    super(message);
  }
}

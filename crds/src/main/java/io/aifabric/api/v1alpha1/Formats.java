package io.aifabric.api.v1alpha1;

/**
 * CEL rules and their messages for the value formats that several kinds share. The API server
 * enforces them (x-kubernetes-validations); the messages tell the user what to write instead.
 */
public final class Formats {
  public static final String GROUP = "aifabric.io";
  public static final String VERSION = "v1alpha1";
  public static final String CATEGORY = "aifabric";

  /** An Ethereum address: 0x and 40 hex digits (checksum case is accepted, not required). */
  public static final String WALLET_RULE = "self.matches('^0x[0-9a-fA-F]{40}$')";

  public static final String WALLET_MESSAGE =
      "must be an Ethereum address: 0x followed by 40 hex digits";

  /**
   * Base64 of exactly 32 bytes: 43 characters, the last of which carries 4 bits only, then '='.
   * Checking the last character rejects strings that decode to 32 bytes plus stray bits.
   */
  public static final String X25519_KEY_RULE =
      "self.matches('^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$')";

  public static final String X25519_KEY_MESSAGE =
      "must be a base64-encoded 32-byte X25519 public key (44 characters ending in '=')";

  /**
   * A positive decimal amount such as "2.50". Amounts are strings, never floats, so that money
   * keeps its exact value; the second clause demands a non-zero digit.
   */
  public static final String POSITIVE_AMOUNT_RULE =
      "self.matches('^[0-9]{1,12}([.][0-9]{1,18})?$') && self.matches('[1-9]')";

  public static final String POSITIVE_AMOUNT_MESSAGE =
      "must be a positive decimal amount such as \"2.50\" (no sign, no exponent)";

  /** 32 bytes as 0x and 64 lowercase hex digits: a digest, a content address, an evidence. */
  public static final String BYTES32_RULE = "self.matches('^0x[0-9a-f]{64}$')";

  /**
   * A container image reference in the OCI distribution grammar ({@code
   * [registry[:port]/]repository[:tag][@algorithm:hex]}): registry components letters, digits and
   * inner hyphens (a bracketed IPv6 registry is not taken), repository path components lowercase
   * letters and digits joined by {@code .}, {@code _}, {@code __} or hyphens, a tag of up to 128
   * word characters, dots and hyphens, a digest of at least 32 hex digits. What a kubelet refuses
   * as InvalidImageName (a space, an uppercase repository, an empty tag) is refused here first. No
   * backslashes, so the same string is the expression in CEL (RE2) and in Java.
   */
  public static final String IMAGE_REFERENCE =
      "^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
          + "(?:[.](?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?/)?"
          + "[a-z0-9]+(?:(?:[_.]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[_.]|__|-+)[a-z0-9]+)*)*"
          + "(?::[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127})?"
          + "(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$";

  /** The CEL rule for {@link #IMAGE_REFERENCE}; a blank image has a message of its own. */
  public static final String IMAGE_RULE =
      "self.trim() == '' || self.matches('" + IMAGE_REFERENCE + "')";

  public static final String IMAGE_MESSAGE =
      "image must be a container image reference, [registry[:port]/]repository[:tag][@digest]"
          + " with a lowercase repository and no spaces, e.g. ghcr.io/org/app:1.0";

  /** Longest string accepted where a rule runs a regular expression; bounds CEL cost. */
  public static final int MAX_SHORT_STRING = 256;

  private Formats() {}
}

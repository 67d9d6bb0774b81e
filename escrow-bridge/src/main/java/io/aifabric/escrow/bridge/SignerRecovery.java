package io.aifabric.escrow.bridge;

import io.aifabric.protocol.Signature;
import java.math.BigInteger;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/**
 * Who signed a digest: the address a 65-byte (r, s, v) signature recovers to, as ecrecover finds it
 * on chain. The signature's form is checked as the protocol's {@link Signature} checks it (r in
 * range, low s, v 27 or 28): high-s signatures are refused, as the contracts refuse them.
 */
public final class SignerRecovery {
  private SignerRecovery() {}

  /** The signer's address, 0x and lowercase; empty when the signature is malformed. */
  public static Optional<String> signer(byte[] digest, byte[] rsv) {
    if (rsv == null) {
      return Optional.empty();
    }
    try {
      Signature.fromBytes(rsv);
      BigInteger key =
          Sign.signedMessageHashToKey(
              digest,
              new Sign.SignatureData(
                  rsv[64], Arrays.copyOfRange(rsv, 0, 32), Arrays.copyOfRange(rsv, 32, 64)));
      return Optional.of(Numeric.prependHexPrefix(Keys.getAddress(key)).toLowerCase(Locale.ROOT));
    } catch (SignatureException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}

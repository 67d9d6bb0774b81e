package io.aifabric.escrow.bridge;

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
 * on chain. High-s signatures are refused, as the contracts refuse them.
 */
public final class SignerRecovery {
  private static final BigInteger HALF_N =
      new BigInteger("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0", 16);

  private SignerRecovery() {}

  /** The signer's address, 0x and lowercase; empty when the signature is malformed. */
  public static Optional<String> signer(byte[] digest, byte[] rsv) {
    if (rsv == null || rsv.length != 65) {
      return Optional.empty();
    }
    byte v = rsv[64];
    byte[] r = Arrays.copyOfRange(rsv, 0, 32);
    byte[] s = Arrays.copyOfRange(rsv, 32, 64);
    if ((v != 27 && v != 28) || new BigInteger(1, s).compareTo(HALF_N) > 0) {
      return Optional.empty();
    }
    try {
      BigInteger key = Sign.signedMessageHashToKey(digest, new Sign.SignatureData(v, r, s));
      return Optional.of(Numeric.prependHexPrefix(Keys.getAddress(key)).toLowerCase(Locale.ROOT));
    } catch (SignatureException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}

package io.aifabric.escrow;

import java.io.ByteArrayOutputStream;
import java.util.Comparator;
import java.util.List;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/**
 * Oracle signatures as OracleQuorum takes them: 65 bytes each (r, s, v with v 27 or 28, s in the
 * lower half — web3j signs canonically), concatenated in ascending order of signer address.
 */
public final class OracleSignatures {
  private OracleSignatures() {}

  /** One oracle's signature over a digest, with the address it recovers to. */
  public record Signed(String signer, byte[] rsv) {}

  /** Signs the digest as it is (no Ethereum message prefix: the digest is EIP-712's). */
  public static Signed sign(byte[] digest, ECKeyPair key) {
    Sign.SignatureData signature = Sign.signMessage(digest, key, false);
    byte[] rsv =
        AbiWords.concat(signature.getR(), signature.getS(), new byte[] {signature.getV()[0]});
    return new Signed(Numeric.prependHexPrefix(Keys.getAddress(key)), rsv);
  }

  /** The signatures ordered by signer, concatenated: the {@code signatures} argument of settle. */
  public static byte[] combine(List<Signed> signatures) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    signatures.stream()
        .sorted(Comparator.comparing(s -> Numeric.toBigInt(s.signer())))
        .forEach(s -> out.writeBytes(s.rsv()));
    return out.toByteArray();
  }
}

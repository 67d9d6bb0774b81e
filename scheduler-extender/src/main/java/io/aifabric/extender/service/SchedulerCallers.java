package io.aifabric.extender.service;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Whether a TLS client is the scheduler. The TLS handshake has already checked that its certificate
 * chains to the extender's CA (client authentication is required); this checks that the certificate
 * names one of the callers the extender was told to take, so that other certificates of the same CA
 * (a CA shared with other uses) are refused.
 */
final class SchedulerCallers {
  private static final int DNS_NAME = 2;
  private final Set<String> allowed;

  SchedulerCallers(Set<String> allowed) {
    this.allowed = new TreeSet<>(allowed);
  }

  /** Why this client is refused, or empty when it is one of the allowed callers. */
  Optional<String> refusal(X509Certificate client) {
    List<String> names = names(client);
    if (names.stream().anyMatch(allowed::contains)) {
      return Optional.empty();
    }
    return Optional.of(
        "the client certificate names "
            + (names.isEmpty() ? "nothing" : String.join(", ", names))
            + "; the extender takes calls only from "
            + String.join(", ", allowed));
  }

  /** Its subject's CNs, then its DNS subject alternative names. */
  static List<String> names(X509Certificate certificate) {
    List<String> names = new ArrayList<>();
    try {
      for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
        if ("CN".equalsIgnoreCase(rdn.getType())) {
          names.add(String.valueOf(rdn.getValue()));
        }
      }
    } catch (InvalidNameException e) {
      // An unparsable subject names nobody; its SANs may still name the caller.
    }
    try {
      var alternatives = certificate.getSubjectAlternativeNames();
      if (alternatives != null) {
        for (List<?> alternative : alternatives) {
          if (alternative.get(0) instanceof Integer type && type == DNS_NAME) {
            names.add(String.valueOf(alternative.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // As above: no readable SANs, no names from them.
    }
    return names;
  }
}

package io.aifabric.operator.proof;

import io.aifabric.protocol.MalformedMessageException;
import io.aifabric.protocol.NodeRegistration;
import io.aifabric.protocol.RegistrationCodec;

/**
 * Whether a Node's registration annotation may be believed: readable, signed by the key it names,
 * and about this very node (a registration copied from another node is refused).
 */
public final class RegistrationCheck {
  /** The outcome: a registration to record, or the reason and message for Registered=False. */
  public record Result(NodeRegistration registration, String reason, String message) {
    public boolean accepted() {
      return registration != null;
    }
  }

  private RegistrationCheck() {}

  public static Result check(String cluster, String nodeName, String annotation) {
    if (annotation == null) {
      return new Result(
          null,
          "AwaitingNodeAgent",
          "no node agent has registered on this node (annotation "
              + RegistrationCodec.ANNOTATION
              + ")");
    }
    NodeRegistration.Signed signed;
    try {
      signed = RegistrationCodec.decode(annotation);
    } catch (MalformedMessageException e) {
      return new Result(
          null, "MalformedRegistration", "the registration is unreadable: " + e.getMessage());
    }
    if (!signed.isValid()) {
      return new Result(
          null, "BadSignature", "the registration is not signed by the key it registers");
    }
    NodeRegistration r = signed.registration();
    if (!r.cluster().equals(cluster) || !r.nodeName().equals(nodeName)) {
      return new Result(
          null,
          "WrongNode",
          "the registration is for "
              + r.cluster()
              + "/"
              + r.nodeName()
              + ", not this node: a copied registration is not accepted");
    }
    return new Result(r, "Registered", "node key " + r.key().address().checksummed());
  }
}

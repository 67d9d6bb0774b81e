package io.aifabric.api.v1alpha1.computenode;

import com.fasterxml.jackson.annotation.JsonInclude;
import lombok.Data;

/** A slash NodeRegistry recorded for this node (its Slashed event): what was taken, and where. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ChainSlash {
  /** The evidence digest the oracles attested (0x, 32 bytes): one slash per evidence. */
  private String evidence;

  /** What the attestation asked for, in wei. */
  private String requested;

  /** What the provider's stake actually lost, in wei. */
  private String taken;

  private String transaction;
  private Long block;
}

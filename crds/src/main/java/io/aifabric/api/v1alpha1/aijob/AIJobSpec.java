package io.aifabric.api.v1alpha1.aijob;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.aifabric.api.v1alpha1.Formats;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AIJobSpec {
  /** Container image every replica runs. */
  @Required
  @Size(max = 512)
  @ValidationRule(
      value = "self.trim() != ''",
      message =
          "image must not be empty: name the container image to run, e.g. ghcr.io/org/app:1.0")
  @ValidationRule(value = Formats.IMAGE_RULE, message = Formats.IMAGE_MESSAGE)
  private String image;

  @Size(max = 64)
  private List<String> command = new ArrayList<>();

  @Size(max = 64)
  private List<EnvVar> env = new ArrayList<>();

  @Required private GpuResources resources;

  /** Number of replicas placed together (a gang) on one member cluster. */
  @Default("1")
  @ValidationRule(
      value = "self >= 1 && self <= 1024",
      message = "replicas must be between 1 and 1024")
  private Integer replicas = 1;

  private PlacementConstraints placement;

  /** Longest the job may run, e.g. 90m or 4h; the member Job gets it as activeDeadlineSeconds. */
  @Default("24h")
  @Size(max = 32)
  @ValidationRule(
      value = "self.matches('^([0-9]+h)?([0-9]+m)?([0-9]+s)?$') && self != ''",
      message = "maxDuration must be a duration such as 90m, 4h or 1h30m")
  @ValidationRule(
      value =
          "!self.matches('^([0-9]+h)?([0-9]+m)?([0-9]+s)?$') || self == ''"
              + " || (duration(self) >= duration('1m') && duration(self) <= duration('168h'))",
      message = "maxDuration must be between 1m and 168h (7 days)")
  private String maxDuration = "24h";

  private Payment payment;

  private Encryption encryption;

  @Size(max = 16)
  private List<VolumeMount> volumes = new ArrayList<>();

  /**
   * Keys of the mounted volumes' sealed inputs, sealed to the nodes the job is placed on: written
   * by {@code aifabric grant} once the job is placed; the job is dispatched once every placed node
   * has a grant for every input.
   */
  @Size(max = 512)
  private List<InputGrant> inputGrants = new ArrayList<>();
}

package io.aifabric.api.v1alpha1.aijob;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/** Where the job was placed: the member cluster, then the nodes its scheduler picked. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Placement {
  private String cluster;

  /** The GPU model the job was placed on (GPU Feature Discovery product name). */
  private String gpuModel;

  /** The node of each replica, by completion index: planned at placement, then as scheduled. */
  private List<String> nodes = new ArrayList<>();

  /** Price per GPU-hour agreed at placement. */
  private String pricePerGpuHour;
}

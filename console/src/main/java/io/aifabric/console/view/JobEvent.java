package io.aifabric.console.view;

import io.fabric8.kubernetes.api.model.Event;
import io.quarkus.qute.TemplateData;

/**
 * A Kubernetes Event about an AIJob (the operator's Placed, Dispatched, Failover..., the bridge's
 * settlement steps), as the job's timeline shows it. Its text is written by whoever may create
 * Events: a page escapes it like any other.
 *
 * @param at when it last happened (lastTimestamp, else eventTime, else its creation)
 * @param from the component that reported it
 */
@TemplateData
public record JobEvent(
    String uid, String type, String reason, String message, int count, String at, String from) {
  /** Longer messages are cut here: Kubernetes' own recorders write at most 1 KiB. */
  static final int MAX_TEXT = 1024;

  public static JobEvent of(Event e) {
    String at = e.getLastTimestamp();
    if (at == null && e.getEventTime() != null) {
      at = e.getEventTime().getTime();
    }
    if (at == null) {
      at = e.getMetadata().getCreationTimestamp();
    }
    return new JobEvent(
        e.getMetadata().getUid(),
        cut(e.getType()),
        cut(e.getReason()),
        cut(e.getMessage()),
        e.getCount() == null ? 1 : e.getCount(),
        at,
        e.getSource() == null ? e.getReportingComponent() : e.getSource().getComponent());
  }

  private static String cut(String text) {
    return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "…";
  }

  /** The key of the AIJob it is about: namespace/name. */
  public static String jobKey(Event e) {
    return e.getInvolvedObject().getNamespace() + "/" + e.getInvolvedObject().getName();
  }
}

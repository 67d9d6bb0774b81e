package io.aifabric.console.view;

import io.quarkus.qute.TemplateData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One line of a job's timeline: a condition's last transition or an Event, in time order.
 *
 * @param what the condition and its status ({@code Placed=True}), or the Event's type
 * @param ok a condition that is True or a Normal Event
 */
@TemplateData
public record TimelineEntry(
    String at, String what, String reason, String message, String from, boolean ok) {

  /** The job's conditions and Events, oldest first. */
  public static List<TimelineEntry> of(List<ConditionView> conditions, List<JobEvent> events) {
    List<TimelineEntry> entries = new ArrayList<>();
    for (ConditionView c : conditions) {
      entries.add(
          new TimelineEntry(
              c.since(),
              c.type() + "=" + c.status(),
              c.reason(),
              c.message(),
              "status",
              c.isTrue()));
    }
    for (JobEvent e : events) {
      String what = e.count() > 1 ? e.type() + " ×" + e.count() : e.type();
      entries.add(
          new TimelineEntry(
              e.at(), what, e.reason(), e.message(), e.from(), !"Warning".equals(e.type())));
    }
    entries.sort(
        Comparator.comparing(
            TimelineEntry::at, Comparator.nullsFirst(Comparator.<String>naturalOrder())));
    return entries;
  }
}

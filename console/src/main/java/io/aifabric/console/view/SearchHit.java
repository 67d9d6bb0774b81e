package io.aifabric.console.view;

import io.quarkus.qute.TemplateData;

/** Something a search found: what it is, its name, where its page is, and what matched. */
@TemplateData
public record SearchHit(String kind, String label, String path, String matched) {}

package io.aifabric.console.view;

import io.quarkus.qute.TemplateData;

/** The network's GPUs of one model: all listed, verified, available now, in use by jobs. */
@TemplateData
public record ModelGpus(String model, int total, int verified, int available, int inUse) {}

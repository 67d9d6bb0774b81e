package io.aifabric.api.v1alpha1;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The kind's spec is one value that its single writer replaces whole ({@code x-kubernetes-map-type:
 * atomic}), as a report is: a server-side apply sets the spec it sends, rather than merging it key
 * by key into what is there. Merging would also hit the API server's known flaw where a map emptied
 * by an apply is stored as null, which the schema then refuses (kubernetes/kubernetes#104694). The
 * CRD generator step adds it to the CRD.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
public @interface AtomicSpec {}

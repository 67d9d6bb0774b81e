package io.aifabric.api.v1alpha1;

import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A CEL rule on the root of a kind's schema, where it sees spec and status together (Fabric8's
 * {@code @ValidationRule} only goes on fields). The CRD generator step adds it to the CRD.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Repeatable(RootValidationRule.List.class)
public @interface RootValidationRule {
  String rule();

  String message();

  /** A machine-readable reason: FieldValueInvalid, FieldValueForbidden, ... */
  String reason() default "FieldValueInvalid";

  @Target(ElementType.TYPE)
  @Retention(RetentionPolicy.RUNTIME)
  @interface List {
    RootValidationRule[] value();
  }
}

package dev.jobledger.command.web;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.ReportAsSingleViolation;
import jakarta.validation.constraints.Pattern;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * Text that PostgreSQL can store as it was sent. A NUL character is refused by {@code text} and {@code jsonb}
 * columns, and a lone UTF-16 surrogate has no UTF-8 form (the driver would store '?'): accepted, either would stop a
 * projection or corrupt the copy. Java's regular expressions read a valid surrogate pair as one code point, so
 * {@code \p{Cs}} matches only the unpaired ones.
 */
@Documented
@Constraint(validatedBy = {})
@Target({FIELD, PARAMETER, TYPE_USE})
@Retention(RUNTIME)
@Pattern(regexp = StorableText.STORABLE)
@ReportAsSingleViolation
@interface StorableText {

    String STORABLE = "[^\\x00\\p{Cs}]*";

    String message() default "must not contain NUL characters or unpaired surrogates";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}

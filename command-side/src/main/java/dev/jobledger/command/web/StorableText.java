package dev.jobledger.command.web;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * Text that PostgreSQL can store as it was sent. A NUL character is refused by {@code text} and {@code jsonb}
 * columns, and a lone UTF-16 surrogate has no UTF-8 form (the driver would store '?'): accepted, either would stop a
 * projection or corrupt the copy. A valid surrogate pair is one code point (an emoji) and is storable.
 */
@Documented
@Constraint(validatedBy = StorableText.Check.class)
@Target({FIELD, PARAMETER, TYPE_USE})
@Retention(RUNTIME)
@interface StorableText {

    String message() default "must not contain NUL characters or unpaired surrogates";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /**
     * A scan, not a regular expression: it runs on every message, key and text value of every log line a function
     * sends, and a matcher for each was a visible share of the ledger's work on a log call of 500 lines.
     */
    final class Check implements ConstraintValidator<StorableText, CharSequence> {

        @Override
        public boolean isValid(CharSequence text, ConstraintValidatorContext context) {
            return text == null || isStorable(text);
        }

        static boolean isStorable(CharSequence text) {
            int length = text.length();
            for (int i = 0; i < length; i++) {
                char c = text.charAt(i);
                if (c == 0) {
                    return false;
                }
                if (Character.isSurrogate(c)) {
                    if (!Character.isHighSurrogate(c)
                            || i + 1 == length
                            || !Character.isLowSurrogate(text.charAt(i + 1))) {
                        return false;
                    }
                    i++;
                }
            }
            return true;
        }
    }
}

package io.crashfree.errors.event;

import java.util.List;

/**
 * One exception of an event's chain ({@code exception.values[]}), oldest cause first as the protocol orders them.
 *
 * @param type   the exception's type, or {@code null}
 * @param value  its message, or {@code null}
 * @param module the type's module, or {@code null}
 * @param frames its stack frames, caller first (the protocol's order), possibly empty
 */
public record ExceptionValue(String type, String value, String module, List<Frame> frames)
{
}

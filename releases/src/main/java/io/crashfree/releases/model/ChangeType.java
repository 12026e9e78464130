package io.crashfree.releases.model;

/** How a commit changed a file, as in a {@code patch_set}: added, modified or deleted. */
public enum ChangeType
{
    /** Added. */
    A,
    /** Modified. */
    M,
    /** Deleted. */
    D;

    /**
     * The type with this one-letter name.
     *
     * @param letter {@code A}, {@code M} or {@code D}
     * @return the type, or {@code null} for anything else
     */
    public static ChangeType fromLetter(String letter)
    {
        if (letter == null || letter.length() != 1)
        {
            return null;
        }
        return switch (letter.charAt(0))
        {
            case 'A' -> A;
            case 'M' -> M;
            case 'D' -> D;
            default -> null;
        };
    }
}

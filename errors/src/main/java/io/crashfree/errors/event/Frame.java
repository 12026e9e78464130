package io.crashfree.errors.event;

/**
 * One stack frame as grouping reads it. Line and column numbers are deliberately not kept: they never take part in
 * grouping (the same exception thrown from another line of the same function is the same issue).
 *
 * @param module   the module or package, or {@code null}
 * @param function the function, or {@code null}
 * @param filename the file name as the SDK gave it, or {@code null}
 * @param absPath  the absolute path or URL, or {@code null}
 * @param inApp    whether the SDK marked it as the application's own code ({@code null} when it did not say)
 */
public record Frame(String module, String function, String filename, String absPath, Boolean inApp)
{
    /** @return whether the frame is marked in-app. */
    public boolean isInApp()
    {
        return Boolean.TRUE.equals(inApp);
    }

    /** @return what names the frame's code: the module, else the file name, else the path (may be {@code null}). */
    public String location()
    {
        if (module != null && !module.isEmpty())
        {
            return module;
        }
        return filename != null && !filename.isEmpty() ? filename : absPath;
    }
}

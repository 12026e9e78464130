package io.crashfree.loadgen.workload;

/**
 * One session update as an SDK sends it: whether it is the init update, its status and error count, and which
 * optional fields it carries. {@link #plan} lists the updates of a whole session per SDK and outcome, as captured from
 * the real SDKs (reference/sdk-captures).
 */
public enum UpdateSpec
{
    /** Java: the init update, its own request ({@code init: true}, {@code ok}, no {@code seq}). */
    JAVA_INIT(true, false, "ok", 0, false, false, false),
    /** Java: the update sent with a handled error's event ({@code ok}, {@code errors: 1}). */
    JAVA_ERROR(false, false, "ok", 1, true, false, false),
    /** Java: a normal end without errors. */
    JAVA_EXITED(false, false, "exited", 0, true, true, false),
    /** Java: a normal end after handled errors. */
    JAVA_EXITED_ERRORS(false, false, "exited", 2, true, true, false),
    /** Java: the crashed terminal update (sent twice: with the crash event and at session end). */
    JAVA_CRASHED(false, false, "crashed", 1, true, true, false),
    /** Java: the abnormal terminal update (ANR; sent twice). */
    JAVA_ABNORMAL(false, false, "abnormal", 0, true, true, true),
    /** Java: the unhandled terminal update (sent twice). */
    JAVA_UNHANDLED(false, false, "unhandled", 1, true, true, false),
    /** Node: a healthy session in one request ({@code init: true}, {@code exited}). */
    NODE_INIT_EXITED(true, false, "exited", 0, false, true, false),
    /** Node: the first update of an errored session ({@code init: true}, {@code ok}, {@code errors: 1}). */
    NODE_INIT_ERRORED(true, false, "ok", 1, false, true, false),
    /** Node: the end of an errored session ({@code init: false}, {@code exited}). */
    NODE_EXITED_ERRORS(false, true, "exited", 1, false, true, false),
    /** Node: a crashed session in one request. */
    NODE_INIT_CRASHED(true, false, "crashed", 1, false, true, false),
    /** Node: an abnormal (ANR) session in one request. */
    NODE_INIT_ABNORMAL(true, false, "abnormal", 0, false, true, true),
    /** Node: an unhandled session in one request. */
    NODE_INIT_UNHANDLED(true, false, "unhandled", 1, false, true, false),
    /** Node, long session: the init update of a session still running ({@code init: true}, {@code ok}, no errors). */
    NODE_INIT_OK(true, false, "ok", 0, false, true, false),
    /** Node, long session: a normal end without errors ({@code init: false}, {@code exited}). */
    NODE_EXITED(false, true, "exited", 0, false, true, false),
    /** Node, long session: the crashed end ({@code init: false}, as captured). */
    NODE_CRASHED(false, true, "crashed", 1, false, true, false),
    /** Node, long session: the abnormal end (ANR; {@code init: false}, as captured). */
    NODE_ABNORMAL(false, true, "abnormal", 1, false, true, true),
    /** Node, long session: the unhandled end ({@code init: false}). */
    NODE_UNHANDLED(false, true, "unhandled", 1, false, true, false);

    private static final UpdateSpec[][] JAVA_PLANS = {
        {JAVA_INIT, JAVA_EXITED},
        {JAVA_INIT, JAVA_ERROR, JAVA_EXITED_ERRORS},
        {JAVA_INIT, JAVA_CRASHED, JAVA_CRASHED},
        {JAVA_INIT, JAVA_ABNORMAL, JAVA_ABNORMAL},
        {JAVA_INIT, JAVA_UNHANDLED, JAVA_UNHANDLED},
    };
    private static final UpdateSpec[][] NODE_PLANS = {
        {NODE_INIT_EXITED},
        {NODE_INIT_ERRORED, NODE_EXITED_ERRORS},
        {NODE_INIT_CRASHED},
        {NODE_INIT_ABNORMAL},
        {NODE_INIT_UNHANDLED},
    };

    /** Long sessions ({@code --session-length}): the terminal update by style and outcome. */
    private static final UpdateSpec[][] TERMINALS = {
        {JAVA_EXITED, JAVA_EXITED_ERRORS, JAVA_CRASHED, JAVA_ABNORMAL, JAVA_UNHANDLED},
        {NODE_EXITED, NODE_EXITED_ERRORS, NODE_CRASHED, NODE_ABNORMAL, NODE_UNHANDLED},
    };
    private static final UpdateSpec[] JAVA_INIT_ONLY = {JAVA_INIT};
    private static final UpdateSpec[] NODE_INIT_ONLY = {NODE_INIT_OK};

    private final boolean init;
    private final boolean explicitInitFalse;
    private final String status;
    private final int errors;
    private final boolean seq;
    private final boolean duration;
    private final boolean anrMechanism;
    private final byte[] statusBytes;

    UpdateSpec(final boolean init, final boolean explicitInitFalse, final String status, final int errors,
        final boolean seq, final boolean duration, final boolean anrMechanism)
    {
        this.init = init;
        this.explicitInitFalse = explicitInitFalse;
        this.status = status;
        this.errors = errors;
        this.seq = seq;
        this.duration = duration;
        this.anrMechanism = anrMechanism;
        this.statusBytes = status.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * @param style   the SDK.
     * @param outcome how the session ends.
     * @return the updates the SDK sends for such a session, in send order (shared; do not modify).
     */
    public static UpdateSpec[] plan(final SdkStyle style, final Outcome outcome)
    {
        return (style == SdkStyle.JAVA ? JAVA_PLANS : NODE_PLANS)[outcome.ordinal()];
    }

    /**
     * Long sessions ({@code --session-length}): the session's first request is its init update alone; its end is
     * sent later ({@link #terminal}).
     *
     * @param style the SDK.
     * @return the updates sent at the session's start (shared; do not modify).
     */
    public static UpdateSpec[] initOnly(final SdkStyle style)
    {
        return style == SdkStyle.JAVA ? JAVA_INIT_ONLY : NODE_INIT_ONLY;
    }

    /**
     * @param style   the SDK.
     * @param outcome how the session ends.
     * @return the update that ends a long session: exited (with errors for an errored session), crashed, abnormal or
     *         unhandled.
     */
    public static UpdateSpec terminal(final SdkStyle style, final Outcome outcome)
    {
        return TERMINALS[style == SdkStyle.JAVA ? 0 : 1][outcome.ordinal()];
    }

    /**
     * @param style   the SDK.
     * @param outcome how the session ends.
     * @return how many times the SDK sends a long session's terminal update: 2 for the Java SDK's crashed, abnormal and
     *         unhandled ends (with the event, and at session end), else 1.
     */
    public static int terminalSends(final SdkStyle style, final Outcome outcome)
    {
        return style == SdkStyle.JAVA && outcome.ordinal() >= Outcome.CRASHED.ordinal() ? 2 : 1;
    }

    /** @return whether this is the session's init update ({@code init: true}): it counts one session. */
    public boolean init()
    {
        return init;
    }

    /** @return whether the payload says {@code "init": false} (Node does; Java leaves it out). */
    public boolean explicitInitFalse()
    {
        return explicitInitFalse;
    }

    /** @return the {@code status} value. */
    public String status()
    {
        return status;
    }

    /** @return the {@code status} value as ASCII bytes. */
    public byte[] statusBytes()
    {
        return statusBytes;
    }

    /** @return the {@code errors} value. */
    public int errors()
    {
        return errors;
    }

    /** @return whether the payload carries {@code seq}. */
    public boolean hasSeq()
    {
        return seq;
    }

    /** @return whether the payload carries {@code duration}. */
    public boolean hasDuration()
    {
        return duration;
    }

    /** @return whether the payload carries {@code abnormal_mechanism: anr_foreground}. */
    public boolean hasAnrMechanism()
    {
        return anrMechanism;
    }

    /** @return whether this update marks its session errored: errors &gt; 0 or an error status (not ok/exited). */
    public boolean errored()
    {
        return errors > 0 || isErrorStatus();
    }

    /** @return whether the status is an error status (anything but {@code ok} and {@code exited}). */
    public boolean isErrorStatus()
    {
        return !status.equals("ok") && !status.equals("exited");
    }

    /** @return the terminal error outcome this update reports (crashed, abnormal, unhandled), or null. */
    public Outcome terminalOutcome()
    {
        switch (status)
        {
            case "crashed":
                return Outcome.CRASHED;
            case "abnormal":
                return Outcome.ABNORMAL;
            case "unhandled":
                return Outcome.UNHANDLED;
            default:
                return null;
        }
    }
}

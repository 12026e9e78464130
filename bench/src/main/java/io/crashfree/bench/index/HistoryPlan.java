package io.crashfree.bench.index;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The history the index benchmark fills a node with: {@code releases} releases of project 1 over the last
 * {@code days} days, as {@code sessions} aggregate items (Sentry's release-health aggregates: per entry a user and
 * its sessions by outcome). Seeded, so one seed is one history.
 * <p>
 * Release {@code r} is released at an even step through the period (a later index is newer) and has sessions every
 * hour from then on: every 50th release until now (long-lived: the oldest spans every hour of the period), the
 * others for an exponentially distributed lifetime (mean 36 h, at least 6 h). Per active hour one item in
 * {@code production}, and in {@code staging} (always in its first 6 hours, else 30%) and {@code development} (10%);
 * each item's {@code started} is one minute of that hour. An item has 1..100 entries (distinct users drawn from the
 * release's own slice of the population, so the same users come back hour after hour and a union over days is
 * smaller than the sum of the hours), following a daily rhythm and the release's adoption (rising over its first
 * hours, then decaying). Crash rates vary by release (median about 0.5%, one release in 20 a bad one at 5–15%), as do
 * error rates (1–8%).
 */
public final class HistoryPlan
{
    /** The environments, in the order items are made. */
    public static final List<String> ENVIRONMENTS = List.of("production", "staging", "development");
    /** Every how many releases one lives until now. */
    static final int LONG_LIVED_EVERY = 50;
    /** Most entries in one aggregate item ({@code limits.sessions.aggregates} by default). */
    static final int MAX_ENTRIES = 100;
    private static final long HOUR_SEC = 3600;

    /**
     * One release of the history.
     *
     * @param index       its number (0 = oldest).
     * @param version     its name.
     * @param releasedSec when it was released, epoch seconds.
     * @param endSec      the end of its last hour with sessions (exclusive), epoch seconds.
     * @param scale       its typical users per item at peak.
     * @param crashRate   the share of its sessions that crash.
     * @param errorRate   the share of its other sessions that end errored.
     * @param userOffset  the first user of its slice of the population.
     * @param userSpan    the size of its slice.
     */
    public record Release(int index, String version, long releasedSec, long endSec, int scale, double crashRate,
        double errorRate, int userOffset, int userSpan)
    {
        /** @return the first hour with sessions, epoch seconds. */
        public long firstHourSec()
        {
            return Math.floorDiv(releasedSec, HOUR_SEC) * HOUR_SEC;
        }

        /** @return hours with sessions. */
        public long hours()
        {
            return (endSec - firstHourSec()) / HOUR_SEC;
        }
    }

    /** Receives the items of the history in order of release, then hour, then environment. */
    @FunctionalInterface
    public interface ItemVisitor
    {
        /**
         * @param release     the release.
         * @param environment the environment.
         * @param startedSec  the entries' {@code started}, the start of a minute, epoch seconds.
         * @param users       the entries' users (indexes into the population), {@code entries} of them.
         * @param counts      per entry {exited, errored, crashed, abnormal}, {@code 4 * entries} values.
         * @param entries     entries in the item.
         */
        void onItem(Release release, String environment, long startedSec, int[] users, int[] counts, int entries);
    }

    private final String prefix;
    private final int users;
    private final long seed;
    private final long startSec;
    private final long nowSec;
    private final List<Release> releases;

    /**
     * @param prefix   release names are {@code prefix + index}.
     * @param releases how many.
     * @param days     days of history, ending at {@code nowSec}.
     * @param users    the user population.
     * @param seed     seed.
     * @param nowSec   now, epoch seconds.
     */
    public HistoryPlan(final String prefix, final int releases, final int days, final int users, final long seed,
        final long nowSec)
    {
        this.prefix = prefix;
        this.users = users;
        this.seed = seed;
        this.nowSec = nowSec;
        final long currentHourEnd = Math.floorDiv(nowSec, HOUR_SEC) * HOUR_SEC + HOUR_SEC;
        this.startSec = currentHourEnd - days * 86_400L;
        final SplittableRandom random = new SplittableRandom(seed);
        final List<Release> list = new ArrayList<>(releases);
        // the last release an hour before now at the latest, so every release has a finished hour
        final double step = (double)(nowSec - HOUR_SEC - startSec) / releases;
        for (int r = 0; r < releases; r++)
        {
            final long released = startSec + (long)((r + random.nextDouble()) * step);
            final long firstHour = Math.floorDiv(released, HOUR_SEC) * HOUR_SEC;
            final long end;
            if (r % LONG_LIVED_EVERY == 0)
            {
                end = currentHourEnd;
            }
            else
            {
                final double lifetimeHours = Math.max(6, -36 * Math.log(1 - random.nextDouble()));
                end = Math.min(currentHourEnd, firstHour + (long)Math.ceil(lifetimeHours) * HOUR_SEC);
            }
            final int scale = r % LONG_LIVED_EVERY == 0 ? MAX_ENTRIES :
                (int)Math.max(2, Math.min(MAX_ENTRIES, Math.round(12 * Math.exp(0.8 * gaussian(random)))));
            final double crashRate = random.nextInt(20) == 0 ? 0.05 + 0.10 * random.nextDouble() :
                Math.min(0.05, 0.005 * Math.exp(0.9 * gaussian(random)));
            final double errorRate = 0.01 + 0.07 * random.nextDouble();
            final int span = (int)Math.min(users, Math.max(scale, scale * 40L));
            list.add(new Release(r, prefix + r, released, end, scale, crashRate, errorRate,
                random.nextInt(users), span));
        }
        this.releases = List.copyOf(list);
    }

    /** @return the releases, oldest first. */
    public List<Release> releases()
    {
        return releases;
    }

    /** @return the release names' prefix. */
    public String prefix()
    {
        return prefix;
    }

    /** @return the first hour of the history, epoch seconds. */
    public long startSec()
    {
        return startSec;
    }

    /**
     * Makes every item of the history, in order; the same plan makes the same items every time.
     *
     * @param visitor receives them (the arrays are reused: copy what you keep).
     */
    public void forEachItem(final ItemVisitor visitor)
    {
        final int[] itemUsers = new int[MAX_ENTRIES];
        final int[] counts = new int[MAX_ENTRIES * 4];
        for (final Release release : releases)
        {
            final SplittableRandom random = new SplittableRandom(seed * 1_000_003L + release.index());
            for (long hour = release.firstHourSec(); hour < release.endSec(); hour += HOUR_SEC)
            {
                final long ageHours = (hour - release.firstHourSec()) / HOUR_SEC;
                for (int e = 0; e < ENVIRONMENTS.size(); e++)
                {
                    if (!present(e, ageHours, random))
                    {
                        continue;
                    }
                    final long started = hour + 60L * random.nextInt(60);
                    if (started > nowSec)
                    {
                        continue; // the current hour's later minutes have not happened yet
                    }
                    final int entries = entries(release, e, hour, ageHours, random);
                    for (int i = 0; i < entries; i++)
                    {
                        itemUsers[i] = (int)((release.userOffset() + (long)random.nextInt(release.userSpan())) %
                            users);
                        final int sessions = 1 + (random.nextInt(4) == 0 ? random.nextInt(6) : 0);
                        int crashed = 0;
                        int errored = 0;
                        int abnormal = 0;
                        for (int s = 0; s < sessions; s++)
                        {
                            final double x = random.nextDouble();
                            if (x < release.crashRate())
                            {
                                crashed++;
                            }
                            else if (x < release.crashRate() + release.errorRate())
                            {
                                errored++;
                            }
                            else if (x < release.crashRate() + release.errorRate() + 0.001)
                            {
                                abnormal++;
                            }
                        }
                        counts[4 * i] = sessions - crashed - errored - abnormal;
                        counts[4 * i + 1] = errored;
                        counts[4 * i + 2] = crashed;
                        counts[4 * i + 3] = abnormal;
                    }
                    visitor.onItem(release, ENVIRONMENTS.get(e), started, itemUsers, counts, entries);
                }
            }
        }
    }

    private static boolean present(final int environment, final long ageHours, final SplittableRandom random)
    {
        return switch (environment)
        {
            case 0 -> true;
            case 1 -> ageHours < 6 || random.nextDouble() < 0.3;
            default -> random.nextDouble() < 0.1;
        };
    }

    private static int entries(final Release release, final int environment, final long hourSec,
        final long ageHours, final SplittableRandom random)
    {
        // adoption: up over the first 12 hours, then halving every 3 days; a daily rhythm peaking at 15:00 UTC
        final double adoption = Math.min(1, (ageHours + 1) / 12.0) * Math.pow(0.5, ageHours / 72.0);
        final double hourOfDay = (hourSec % 86_400) / 3600.0;
        final double rhythm = 0.6 + 0.4 * Math.cos((hourOfDay - 15) * Math.PI / 12);
        final double envShare = environment == 0 ? 1 : environment == 1 ? 0.15 : 0.05;
        final double mean = release.scale() * adoption * rhythm * envShare;
        final int n = (int)Math.round(mean * (0.7 + 0.6 * random.nextDouble()));
        return Math.max(1, Math.min(MAX_ENTRIES, n));
    }

    private static double gaussian(final SplittableRandom random)
    {
        final double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    /**
     * @param epochSec epoch seconds.
     * @return ISO-8601 UTC, as SDKs send {@code started}.
     */
    static String iso(final long epochSec)
    {
        return Instant.ofEpochSecond(epochSec).toString();
    }
}

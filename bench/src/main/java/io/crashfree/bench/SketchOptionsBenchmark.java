package io.crashfree.bench;

import io.crashfree.aggregation.live.BlockArena;
import io.crashfree.aggregation.live.LiveUsage;
import io.crashfree.aggregation.live.LiveTable;
import io.crashfree.aggregation.live.LiveTableDescriptor;
import io.crashfree.aggregation.sketch.CouponUnion;
import io.crashfree.aggregation.sketch.HllSketches;
import io.crashfree.aggregation.sketch.UserSketches;
import io.crashfree.aggregation.store.AggregateValue;
import org.apache.datasketches.hash.MurmurHash3;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Issue 10: error and bytes of the user-sketch options, to choose the live and stored sketch form against the promise
 * "a distinct count over any range within 2% at one million distinct users for 99% of trials, exact while small".
 * <p>
 * Options (datasketches-java): HLL_8 lgK 15 (today), HLL_4 lgK 15, HLL_8 lgK 14, HLL_4 lgK 14, HLL_8 lgK 12. For
 * each and for 1 … 10^6 distinct users (fresh random longs per trial, fed to every option alike) it reports:
 * <ul>
 *   <li>bytes of one sketch: the library's mode (LIST, SET, HLL), updatable and compact serialization bytes, and where
 *       the library switches modes;</li>
 *   <li>the relative error of one sketch, median and 99th percentile, with the composite estimator (what any union
 *       gets, and what the node gets from its CAS-max register images) and with HIP (the library's estimate of a
 *       sketch it updated in order itself, which the node never has);</li>
 *   <li>the same for a range: the users spread over 24 buckets, each user in 1 to 4 of them, and the estimate taken
 *       from the library's {@link Union} of the 24 bucket sketches.</li>
 * </ul>
 * Beside them, the node's own path for HLL_8 lgK 15: the same users' coupons ({@link HllSketches#coupon} of the
 * MurmurHash3 that {@code HllSketch.update(long)} uses) folded into a real {@link LiveTable} record with
 * {@link LiveTable#addCoupon} (16 sparse coupons, then a dense block), read back the way a query does
 * ({@link LiveTable#rawValue} into a {@link CouponUnion}) and the way the flusher does
 * ({@link LiveTable#addTo}, the library's union), alone and as the union of 24 bucket records; and the
 * node just past its 16 sparse coupons, where it leaves exact counting.
 * <p>
 * Last, the tail at one million users over 5,000 trials of the node's register path, with a confidence interval of
 * the 99th percentile, for lgK 15, 14 and 12 (the lower ones downsampled from the same registers by the library's
 * union, checked against directly built sketches): the figure that decides between lgK 15 and 14.
 * <p>
 * Run: {@code java $(flags) -cp bench/target/crashfree-benchmarks.jar io.crashfree.bench.SketchOptionsBenchmark
 * [--quick] [--result FILE]} (flags: the parent pom's {@code crashfree.jvm.flags}). Full size takes a few minutes on
 * one core; {@code --quick} is a smoke run with a handful of trials and measures nothing. Seeded: a rerun gives the
 * same errors.
 */
public final class SketchOptionsBenchmark
{
    private static final double TARGET = 0.02;
    private static final int BUCKETS = 24;
    private static final int MAX_BUCKETS_PER_USER = 4;
    private static final long SEED = 0x5EED_0010L;
    private static final int[] CARDINALITIES = { 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000 };
    private static final int[] QUICK_CARDINALITIES = { 1, 10, 100, 1_000, 10_000 };
    /** Just past the record's sparse array (16 user coupons): where the node leaves exact counting. */
    private static final int[] PAST_SPARSE = { 16, 17, 20, 30, 50, 100, 200, 500, 1_000, 3_000 };
    private static final int PAST_SPARSE_TRIALS = 2_000;
    /** The tail at one million: enough trials for a p99 whose confidence interval separates lgK 14 from 2%. */
    private static final int TAIL_USERS = 1_000_000;
    private static final int TAIL_TRIALS = 5_000;
    private static final int[] TAIL_LG_K = { 15, 14, 12 };
    private static final int TAIL_CHECKED_TRIALS = 3;

    private record Option(String label, String key, int lgK, TgtHllType type)
    {
    }

    private static final Option[] OPTIONS = {
        new Option("HLL_8 lgK 15 (today)", "HLL_8.lgK15", 15, TgtHllType.HLL_8),
        new Option("HLL_4 lgK 15", "HLL_4.lgK15", 15, TgtHllType.HLL_4),
        new Option("HLL_8 lgK 14", "HLL_8.lgK14", 14, TgtHllType.HLL_8),
        new Option("HLL_4 lgK 14", "HLL_4.lgK14", 14, TgtHllType.HLL_4),
        new Option("HLL_8 lgK 12", "HLL_8.lgK12", 12, TgtHllType.HLL_8) };

    private static final String[] MODES = { "LIST", "SET", "HLL" };

    private SketchOptionsBenchmark()
    {
    }

    /** Figures of one cardinality. */
    private static final class Figures
    {
        final int n;
        final int trials;
        final RelativeErrors[] composite = new RelativeErrors[OPTIONS.length];
        final RelativeErrors[] hip = new RelativeErrors[OPTIONS.length];
        final RelativeErrors[] union = new RelativeErrors[OPTIONS.length];
        final String[] mode = new String[OPTIONS.length];
        final int[] updatableBytes = new int[OPTIONS.length];
        final int[] compactBytesMax = new int[OPTIONS.length];
        final RelativeErrors nodeQuery;
        final RelativeErrors nodeFlush;
        final RelativeErrors nodeUnionQuery;
        final RelativeErrors nodeUnionFlush;
        double nodeBucketSumRatio;
        double nodeVsLibraryMaxDifference;
        double seconds;

        Figures(final int n, final int trials)
        {
            this.n = n;
            this.trials = trials;
            for (int o = 0; o < OPTIONS.length; o++)
            {
                composite[o] = new RelativeErrors(trials);
                hip[o] = new RelativeErrors(trials);
                union[o] = new RelativeErrors(trials);
            }
            nodeQuery = new RelativeErrors(trials);
            nodeFlush = new RelativeErrors(trials);
            nodeUnionQuery = new RelativeErrors(trials);
            nodeUnionFlush = new RelativeErrors(trials);
        }
    }

    /**
     * @param args {@code [--quick] [--result FILE]} (see {@link OneShotOptions}).
     * @throws IOException when the temporary live table or the result file cannot be written.
     */
    public static void main(final String[] args) throws IOException
    {
        final OneShotOptions options = OneShotOptions.parseOrExit("sketch-options", args);
        final boolean quick = options.quick();
        final OneShotResult result = new OneShotResult(SketchOptionsBenchmark.class.getSimpleName());
        final Path dir = Files.createTempDirectory("crashfree-sketch-options");
        final long startNs = System.nanoTime();
        try (NodeSketches node = new NodeSketches(dir))
        {
            final List<Figures> all = new ArrayList<>();
            for (final int n : quick ? QUICK_CARDINALITIES : CARDINALITIES)
            {
                final Figures f = measure(n, trials(n, quick), node);
                all.add(f);
                System.out.printf(Locale.ROOT, "n=%,d: %d trials in %.1f s%n", n, f.trials, f.seconds);
            }
            final PastSparse past = measurePastSparse(quick ? 20 : PAST_SPARSE_TRIALS, node);
            final Tail tail = measureTail(quick ? 10_000 : TAIL_USERS, quick ? 3 : TAIL_TRIALS);
            printModeSwitches(result);
            printBytes(all, result);
            printErrors(all, result);
            printPastSparse(past, result);
            printTail(tail, result);
        }
        finally
        {
            deleteRecursively(dir);
        }
        final double seconds = (System.nanoTime() - startNs) / 1e9;
        System.out.printf(Locale.ROOT, "%ntotal %.0f s%n", seconds);
        result.put("seconds", seconds);
        if (options.result() != null)
        {
            result.write(options.result());
        }
    }

    private static int trials(final int n, final boolean quick)
    {
        if (quick)
        {
            return 3;
        }
        return n <= 10_000 ? 2_000 : n <= 100_000 ? 500 : 200;
    }

    private static Figures measure(final int n, final int trials, final NodeSketches node)
    {
        final long t0 = System.nanoTime();
        final Figures f = new Figures(n, trials);
        final HllSketch[] single = new HllSketch[OPTIONS.length];
        final HllSketch[][] buckets = new HllSketch[OPTIONS.length][BUCKETS];
        for (int o = 0; o < OPTIONS.length; o++)
        {
            single[o] = new HllSketch(OPTIONS[o].lgK(), OPTIONS[o].type());
            for (int b = 0; b < BUCKETS; b++)
            {
                buckets[o][b] = new HllSketch(OPTIONS[o].lgK(), OPTIONS[o].type());
            }
        }
        final int[] records = new int[BUCKETS];
        double bucketSumRatio = 0;
        for (int t = 0; t < trials; t++)
        {
            final SplittableRandom random = new SplittableRandom(SEED + 1_000_003L * n + t);
            // One sketch: n distinct users.
            for (final HllSketch s : single)
            {
                s.reset();
            }
            final int record = node.open(0);
            for (int i = 0; i < n; i++)
            {
                final long user = random.nextLong();
                for (final HllSketch s : single)
                {
                    s.update(user);
                }
                node.add(record, user);
            }
            for (int o = 0; o < OPTIONS.length; o++)
            {
                f.composite[o].add(single[o].getCompositeEstimate(), n);
                f.hip[o].add(single[o].getEstimate(), n);
                f.compactBytesMax[o] = Math.max(f.compactBytesMax[o], single[o].getCompactSerializationBytes());
                if (t == 0)
                {
                    f.updatableBytes[o] = single[o].getUpdatableSerializationBytes();
                    f.mode[o] = MODES[single[o].toUpdatableByteArray()[7] & 3];
                }
            }
            final double nodeEstimate = node.queryEstimate(new int[] { record }, 1);
            f.nodeQuery.add(nodeEstimate, n);
            f.nodeFlush.add(node.flushEstimate(new int[] { record }, 1), n);
            if ("HLL".equals(f.mode[0]))
            {
                // Same hashes, same registers: the node's estimate is the library's composite one (summed apart).
                final double libraryEstimate = single[0].getCompositeEstimate();
                f.nodeVsLibraryMaxDifference = Math.max(f.nodeVsLibraryMaxDifference,
                    Math.abs(nodeEstimate - libraryEstimate) / libraryEstimate);
            }
            node.close(record);

            // A range: the same n users spread over 24 buckets, each user in 1 to 4 of them.
            for (final HllSketch[] perOption : buckets)
            {
                for (final HllSketch s : perOption)
                {
                    s.reset();
                }
            }
            for (int b = 0; b < BUCKETS; b++)
            {
                records[b] = node.open(1 + b);
            }
            for (int i = 0; i < n; i++)
            {
                final long user = random.nextLong();
                final long[] hash = MurmurHash3.hash(user, NodeSketches.UPDATE_SEED);
                final int coupon = HllSketches.coupon(hash[0], hash[1]);
                for (int r = 1 + random.nextInt(MAX_BUCKETS_PER_USER); r > 0; r--)
                {
                    final int b = random.nextInt(BUCKETS);
                    for (int o = 0; o < OPTIONS.length; o++)
                    {
                        buckets[o][b].update(user);
                    }
                    node.addCoupon(records[b], coupon);
                }
            }
            for (int o = 0; o < OPTIONS.length; o++)
            {
                final Union union = new Union(OPTIONS[o].lgK());
                for (final HllSketch s : buckets[o])
                {
                    union.update(s);
                }
                f.union[o].add(union.getEstimate(), n);
            }
            f.nodeUnionQuery.add(node.queryEstimate(records, BUCKETS), n);
            f.nodeUnionFlush.add(node.flushEstimate(records, BUCKETS), n);
            double sum = 0;
            for (int b = 0; b < BUCKETS; b++)
            {
                sum += node.queryEstimate(records, b, 1);
            }
            bucketSumRatio += sum / n;
            for (int b = 0; b < BUCKETS; b++)
            {
                node.close(records[b]);
            }
        }
        f.nodeBucketSumRatio = bucketSumRatio / trials;
        f.seconds = (System.nanoTime() - t0) / 1e9;
        return f;
    }

    /** The node's path just past its sparse array, beside the library's exact coupon set. */
    private record PastSparse(int trials, RelativeErrors[] node, int[] nodeExact, RelativeErrors[] library,
        int[] libraryExact)
    {
    }

    private static PastSparse measurePastSparse(final int trials, final NodeSketches node)
    {
        final RelativeErrors[] nodeErrors = new RelativeErrors[PAST_SPARSE.length];
        final RelativeErrors[] libraryErrors = new RelativeErrors[PAST_SPARSE.length];
        final int[] nodeExact = new int[PAST_SPARSE.length];
        final int[] libraryExact = new int[PAST_SPARSE.length];
        final HllSketch library = new HllSketch(HllSketches.LG_K, TgtHllType.HLL_8);
        for (int c = 0; c < PAST_SPARSE.length; c++)
        {
            final int n = PAST_SPARSE[c];
            nodeErrors[c] = new RelativeErrors(trials);
            libraryErrors[c] = new RelativeErrors(trials);
            for (int t = 0; t < trials; t++)
            {
                final SplittableRandom random = new SplittableRandom(SEED ^ (0x9E37_79B9L * n) + t);
                library.reset();
                final int record = node.open(0);
                for (int i = 0; i < n; i++)
                {
                    final long user = random.nextLong();
                    library.update(user);
                    node.add(record, user);
                }
                final double estimate = node.queryEstimate(new int[] { record }, 1);
                node.close(record);
                nodeErrors[c].add(estimate, n);
                nodeExact[c] += Math.round(estimate) == n ? 1 : 0;
                libraryErrors[c].add(library.getEstimate(), n);
                libraryExact[c] += Math.round(library.getEstimate()) == n ? 1 : 0;
            }
        }
        return new PastSparse(trials, nodeErrors, nodeExact, libraryErrors, libraryExact);
    }

    /**
     * Where the library moves a sketch from LIST to SET to HLL, and what each step costs: the steps of today's
     * option in full (the coupon steps are the same for every option, only the move to HLL comes earlier at lower
     * lgK), then one line per option.
     */
    private static void printModeSwitches(final OneShotResult result)
    {
        final StringBuilder steps = new StringBuilder();
        final StringBuilder perOption = new StringBuilder();
        for (int o = 0; o < OPTIONS.length; o++)
        {
            final Option option = OPTIONS[o];
            final HllSketch s = new HllSketch(option.lgK(), option.type());
            final SplittableRandom random = new SplittableRandom(SEED);
            int from = 1;
            int lastMode = -1;
            int lastUpdatable = -1;
            int lastCompact = 0;
            int listTo = 0;
            for (int n = 1; ; n++)
            {
                s.update(random.nextLong());
                final int mode = s.toUpdatableByteArray()[7] & 3;
                final int updatable = s.getUpdatableSerializationBytes();
                if (lastMode >= 0 && (mode != lastMode || updatable != lastUpdatable))
                {
                    if (o == 0)
                    {
                        steps.append(String.format(Locale.ROOT, "| %s | %,d–%,d | %,d | %,d |%n", MODES[lastMode],
                            from, n - 1, lastUpdatable, lastCompact));
                    }
                    listTo = lastMode == 0 ? n - 1 : listTo;
                    result.put("modes." + option.key() + "." + MODES[lastMode].toLowerCase(Locale.ROOT) + ".to" +
                        (n - 1) + ".updatable.bytes", lastUpdatable);
                    from = n;
                }
                lastMode = mode;
                lastUpdatable = updatable;
                lastCompact = s.getCompactSerializationBytes();
                if (mode == 2)
                {
                    if (o == 0)
                    {
                        steps.append(String.format(Locale.ROOT, "| HLL | %,d + | %,d | %,d |%n", n, updatable,
                            lastCompact));
                    }
                    perOption.append(String.format(Locale.ROOT, "| %s | 1–%d | %d–%,d | %,d + | %,d | %,d |%n",
                        option.label(), listTo, listTo + 1, n - 1, n, updatable, lastCompact));
                    result.put("modes." + option.key() + ".hll.from", n)
                        .put("modes." + option.key() + ".hll.updatable.bytes", updatable);
                    break;
                }
            }
        }
        System.out.println();
        System.out.println("Library modes as users are added one by one, " + OPTIONS[0].label() + " (bytes at the " +
            "last n of each step):");
        System.out.println();
        System.out.println("| mode | users | updatable bytes | compact bytes |");
        System.out.println("| --- | --- | ---: | ---: |");
        System.out.print(steps);
        System.out.println();
        System.out.println("Where each option moves (HLL bytes at the move; HLL_4's compact form grows a little " +
            "with its exception table):");
        System.out.println();
        System.out.println("| option | LIST | SET | HLL | HLL updatable bytes | HLL compact bytes |");
        System.out.println("| --- | --- | --- | --- | ---: | ---: |");
        System.out.print(perOption);
    }

    private static void printBytes(final List<Figures> all, final OneShotResult result)
    {
        System.out.println();
        System.out.println("Bytes of one sketch of n users: mode, updatable bytes / compact bytes (compact: largest " +
            "over the trials; HLL_4's grows with its exception table):");
        System.out.println();
        header("option", all, false);
        for (int o = 0; o < OPTIONS.length; o++)
        {
            final StringBuilder row = new StringBuilder("| " + OPTIONS[o].label() + " |");
            for (final Figures f : all)
            {
                row.append(String.format(Locale.ROOT, " %s %,d / %,d |", f.mode[o], f.updatableBytes[o],
                    f.compactBytesMax[o]));
                final String key = "bytes." + OPTIONS[o].key() + ".n" + f.n;
                result.put(key + ".updatable", f.updatableBytes[o]).put(key + ".compact.max", f.compactBytesMax[o])
                    .put(key + ".mode", f.mode[o]);
            }
            System.out.println(row);
        }
        final StringBuilder node = new StringBuilder("| node live (record sparse / + dense block) |");
        for (final Figures f : all)
        {
            final int sparse = 4 * LiveTableDescriptor.sparseCapacity(UserSketches.SKETCH_USERS);
            node.append(f.n <= LiveTableDescriptor.sparseCapacity(UserSketches.SKETCH_USERS) ?
                String.format(Locale.ROOT, " sparse %d |", sparse) :
                String.format(Locale.ROOT, " dense %,d + %d |", HllSketches.K, sparse));
        }
        System.out.println(node);
    }

    private static void printErrors(final List<Figures> all, final OneShotResult result)
    {
        System.out.println();
        System.out.println("Relative error of one sketch, composite estimator (what unions and the node's register " +
            "images get): median / p99; * = p99 over 2%");
        System.out.println();
        header("option", all, true);
        for (int o = 0; o < OPTIONS.length; o++)
        {
            final int option = o;
            errorRow(OPTIONS[o].label(), all, f -> f.composite[option], "single.composite." + OPTIONS[o].key(),
                result);
        }
        errorRow("node HLL_8 lgK 15, query path", all, f -> f.nodeQuery, "single.node.query", result);
        errorRow("node HLL_8 lgK 15, flusher path", all, f -> f.nodeFlush, "single.node.flush", result);

        System.out.println();
        System.out.println("Relative error of one sketch, HIP (the library's estimate of a sketch it updated in " +
            "order itself; no union and no register image has it): median / p99");
        System.out.println();
        header("option", all, true);
        for (int o = 0; o < OPTIONS.length; o++)
        {
            final int option = o;
            errorRow(OPTIONS[o].label(), all, f -> f.hip[option], "single.hip." + OPTIONS[o].key(), result);
        }

        System.out.println();
        System.out.printf(Locale.ROOT, "Relative error of a range: the union of %d bucket sketches, each user in 1 " +
            "to %d buckets: median / p99%n", BUCKETS, MAX_BUCKETS_PER_USER);
        System.out.println();
        header("option", all, true);
        for (int o = 0; o < OPTIONS.length; o++)
        {
            final int option = o;
            errorRow(OPTIONS[o].label(), all, f -> f.union[option], "union.library." + OPTIONS[o].key(), result);
        }
        errorRow("node HLL_8 lgK 15, query path", all, f -> f.nodeUnionQuery, "union.node.query", result);
        errorRow("node HLL_8 lgK 15, flusher path", all, f -> f.nodeUnionFlush, "union.node.flush", result);
        final StringBuilder sum = new StringBuilder("| (a sum of the 24 bucket counts instead: sum / truth) |");
        for (final Figures f : all)
        {
            sum.append(String.format(Locale.ROOT, " %.2fx |", f.nodeBucketSumRatio));
            result.put("union.node.bucket.sum.ratio.n" + f.n, f.nodeBucketSumRatio);
        }
        System.out.println(sum);

        System.out.println();
        for (final Figures f : all)
        {
            if (f.nodeVsLibraryMaxDifference > 0 || f.n >= 10_000)
            {
                System.out.printf(Locale.ROOT, "n=%,d: node estimate vs the library's HLL_8 lgK 15 composite " +
                    "estimate of the same users: largest relative difference %.1e%n", f.n,
                    f.nodeVsLibraryMaxDifference);
                result.put("single.node.vs.library.max.difference.n" + f.n, f.nodeVsLibraryMaxDifference);
            }
        }
    }

    private interface Series
    {
        RelativeErrors of(Figures f);
    }

    private static void errorRow(final String label, final List<Figures> all, final Series series,
        final String key, final OneShotResult result)
    {
        final StringBuilder row = new StringBuilder("| " + label + " |");
        for (final Figures f : all)
        {
            final RelativeErrors e = series.of(f);
            row.append(String.format(Locale.ROOT, " %s / %s%s |", percent(e.median()), percent(e.p99()),
                e.p99() > TARGET ? "*" : ""));
            result.put(key + ".n" + f.n + ".median", e.median()).put(key + ".n" + f.n + ".p99", e.p99())
                .put(key + ".n" + f.n + ".max", e.max()).put(key + ".n" + f.n + ".over2pct", e.over(TARGET))
                .put(key + ".n" + f.n + ".trials", e.trials());
        }
        System.out.println(row);
    }

    private static void header(final String first, final List<Figures> all, final boolean withTrials)
    {
        final StringBuilder h = new StringBuilder("| " + first + " |");
        final StringBuilder line = new StringBuilder("| --- |");
        for (final Figures f : all)
        {
            h.append(String.format(Locale.ROOT, withTrials ? " n=%,d (%d trials) |" : " n=%,d |", f.n, f.trials));
            line.append(" ---: |");
        }
        System.out.println(h);
        System.out.println(line);
    }

    private static void printPastSparse(final PastSparse past, final OneShotResult result)
    {
        System.out.println();
        System.out.printf(Locale.ROOT, "Just past the record's %d sparse user coupons (%d trials each): the node " +
            "(dense registers from the 17th user) beside the library's own HLL_8 lgK 15 (a coupon set up to 3,072)%n",
            LiveTableDescriptor.sparseCapacity(UserSketches.SKETCH_USERS), past.trials());
        System.out.println();
        System.out.println("| users | node: exact | node: median / p99 / max error | library: exact | " +
            "library: p99 error |");
        System.out.println("| ---: | ---: | --- | ---: | ---: |");
        for (int c = 0; c < PAST_SPARSE.length; c++)
        {
            final RelativeErrors node = past.node()[c];
            final RelativeErrors library = past.library()[c];
            System.out.printf(Locale.ROOT, "| %,d | %.1f%% | %s / %s / %s | %.1f%% | %s |%n", PAST_SPARSE[c],
                100.0 * past.nodeExact()[c] / past.trials(), percent(node.median()), percent(node.p99()),
                percent(node.max()), 100.0 * past.libraryExact()[c] / past.trials(), percent(library.p99()));
            final String key = "past.sparse.n" + PAST_SPARSE[c];
            result.put(key + ".node.exact.share", (double)past.nodeExact()[c] / past.trials())
                .put(key + ".node.p99", node.p99()).put(key + ".node.max", node.max())
                .put(key + ".library.exact.share", (double)past.libraryExact()[c] / past.trials())
                .put(key + ".library.p99", library.p99());
        }
    }

    /** The p99 at one million users over many trials, for each lgK, through the node's register path. */
    private record Tail(int users, RelativeErrors[] errors, double foldVsDirectMaxDifference)
    {
    }

    /**
     * The node's dense path (coupon, register raised to the coupon's value) at lgK 15, estimated through the
     * library's composite estimator; lgK 14 and 12 from the same registers, downsampled by the library's own
     * {@link Union} (a register at lower lgK is the largest of the registers that fold onto it, so this is the sketch
     * those users would have built at that lgK: checked against directly built sketches in the first trials).
     */
    private static Tail measureTail(final int users, final int trials)
    {
        final long t0 = System.nanoTime();
        final RelativeErrors[] errors = new RelativeErrors[TAIL_LG_K.length];
        for (int i = 0; i < errors.length; i++)
        {
            errors[i] = new RelativeErrors(trials);
        }
        final byte[] registers = new byte[HllSketches.K];
        double foldVsDirect = 0;
        for (int t = 0; t < trials; t++)
        {
            final SplittableRandom random = new SplittableRandom(SEED * 31 + t);
            Arrays.fill(registers, (byte)0);
            final HllSketch[] direct = new HllSketch[TAIL_LG_K.length];
            if (t < TAIL_CHECKED_TRIALS)
            {
                for (int i = 0; i < direct.length; i++)
                {
                    direct[i] = new HllSketch(TAIL_LG_K[i], TgtHllType.HLL_8);
                }
            }
            for (int u = 0; u < users; u++)
            {
                final long user = random.nextLong();
                final long[] hash = MurmurHash3.hash(user, NodeSketches.UPDATE_SEED);
                HllSketches.applyCoupon(registers, HllSketches.coupon(hash[0], hash[1]));
                if (t < TAIL_CHECKED_TRIALS)
                {
                    for (final HllSketch d : direct)
                    {
                        d.update(user);
                    }
                }
            }
            final HllSketch sketch = HllSketches.fromRegisters(registers);
            for (int i = 0; i < TAIL_LG_K.length; i++)
            {
                final double estimate;
                if (TAIL_LG_K[i] == HllSketches.LG_K)
                {
                    estimate = HllSketches.estimateRegisters(registers);
                }
                else
                {
                    final Union folded = new Union(TAIL_LG_K[i]);
                    folded.update(sketch);
                    estimate = folded.getEstimate();
                }
                errors[i].add(estimate, users);
                if (t < TAIL_CHECKED_TRIALS)
                {
                    final double expected = direct[i].getCompositeEstimate();
                    foldVsDirect = Math.max(foldVsDirect, Math.abs(estimate - expected) / expected);
                }
            }
        }
        System.out.printf(Locale.ROOT, "tail: %d trials of %,d users in %.1f s%n", trials, users,
            (System.nanoTime() - t0) / 1e9);
        return new Tail(users, errors, foldVsDirect);
    }

    private static void printTail(final Tail tail, final OneShotResult result)
    {
        System.out.println();
        System.out.printf(Locale.ROOT, "The tail at %,d users, %d trials, composite estimator through the node's " +
            "register path (lgK 14 and 12 downsampled from the same registers by the library's union; largest " +
            "difference to directly built sketches in %d checked trials: %.1e):%n", tail.users(),
            tail.errors()[0].trials(), TAIL_CHECKED_TRIALS, tail.foldVsDirectMaxDifference());
        System.out.println();
        System.out.println("| lgK | registers | median | p99 (99% interval) | max | trials over 2% | " +
            "2.576 x 1.04/sqrt(k) |");
        System.out.println("| --- | ---: | ---: | --- | ---: | ---: | ---: |");
        for (int i = 0; i < TAIL_LG_K.length; i++)
        {
            final RelativeErrors e = tail.errors()[i];
            final double[] interval = e.p99Interval();
            final int k = 1 << TAIL_LG_K[i];
            System.out.printf(Locale.ROOT, "| %d | %,d | %s | %s (%s – %s) | %s | %d of %d | %s |%n", TAIL_LG_K[i], k,
                percent(e.median()), percent(e.p99()), percent(interval[0]), percent(interval[1]), percent(e.max()),
                e.over(TARGET), e.trials(), percent(2.576 * 1.04 / Math.sqrt(k)));
            final String key = "tail.lgK" + TAIL_LG_K[i];
            result.put(key + ".median", e.median()).put(key + ".p99", e.p99()).put(key + ".p99.low", interval[0])
                .put(key + ".p99.high", interval[1]).put(key + ".max", e.max()).put(key + ".over2pct", e.over(TARGET))
                .put(key + ".trials", e.trials());
        }
        result.put("tail.fold.vs.direct.max.difference", tail.foldVsDirectMaxDifference());
    }

    private static String percent(final double fraction)
    {
        return String.format(Locale.ROOT, fraction < 0.0001 ? "%.3f%%" : "%.2f%%", 100 * fraction);
    }

    private static void deleteRecursively(final Path dir)
    {
        try (Stream<Path> files = Files.walk(dir))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException ignored)
        {
            // a temporary directory: nothing to keep
        }
    }

    /**
     * User sketches the node's way: records of a real live table (one user sketch each), read back as a query and
     * as the flusher read them.
     */
    private static final class NodeSketches implements AutoCloseable
    {
        static final long UPDATE_SEED = 9001L;
        private static final int SKETCH = UserSketches.SKETCH_USERS;
        private static final int MASK = 1 << SKETCH;

        private final LiveTable table;
        private final byte[] registers = new byte[HllSketches.K];
        private final int[] coupons = new int[BlockArena.SET_SLOTS];
        private long nextProject = 1;

        NodeSketches(final Path dir)
        {
            table = new LiveTable(dir.resolve("live.dat"), 1024, new BlockArena(dir.resolve("dense.dat"),
                2 * BUCKETS), new BlockArena(dir.resolve("sets.dat"), 2 * BUCKETS, BlockArena.SET_BLOCK_BYTES),
                LiveUsage.unlimited(1L << 30));
        }

        /** @return a fresh record (a new key) for one sketch. */
        int open(final long bucket)
        {
            final int off = table.acquire(nextProject++, 1, 0, 60 * bucket);
            if (off < 0)
            {
                throw new IllegalStateException("live table full: records are not being freed");
            }
            return off;
        }

        void add(final int off, final long user)
        {
            final long[] hash = MurmurHash3.hash(user, UPDATE_SEED);
            addCoupon(off, HllSketches.coupon(hash[0], hash[1]));
        }

        void addCoupon(final int off, final int coupon)
        {
            if (!table.addCoupon(off, SKETCH, coupon))
            {
                throw new IllegalStateException("dense arena full: records are not being freed");
            }
        }

        double queryEstimate(final int[] offs, final int count)
        {
            return queryEstimate(offs, 0, count);
        }

        /** The query's way: each record as a raw image into one {@link CouponUnion}. */
        double queryEstimate(final int[] offs, final int from, final int count)
        {
            final CouponUnion union = new CouponUnion();
            for (int i = from; i < from + count; i++)
            {
                table.rawValue(offs[i], registers, coupons, MASK).addImageTo(SKETCH, union);
            }
            return union.estimate();
        }

        /** The flusher's way: each record into one value, whose sketches go through the library's union. */
        double flushEstimate(final int[] offs, final int count)
        {
            final AggregateValue value = new AggregateValue();
            for (int i = 0; i < count; i++)
            {
                table.addTo(offs[i], value, registers, coupons, MASK);
            }
            return value.estimate(SKETCH);
        }

        void close(final int off)
        {
            table.seal(off);
            table.free(off);
            table.sets().freeRetired(table.sets().detachRetired()); // what the flusher does once folds are done
        }

        @Override
        public void close()
        {
            table.close();
        }
    }
}

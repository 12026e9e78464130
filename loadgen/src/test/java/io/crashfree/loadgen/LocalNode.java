package io.crashfree.loadgen;

import io.crashfree.aggregation.AggregateView;
import io.crashfree.aggregation.live.NameTable;
import io.crashfree.aggregation.query.Measures;
import io.crashfree.aggregation.store.AggregateValue;
import io.crashfree.aggregation.store.StoreKey;
import io.crashfree.edge.CrashfreeNode;
import io.crashfree.edge.config.ConfigLoader;
import io.crashfree.loadgen.verify.SessionsAnswer;
import io.crashfree.loadgen.workload.Outcome;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.crashfree.aggregation.sketch.UserSketches.*;

/**
 * A real node in-process for the load generator's tests (loopback, ephemeral port, small aggregation files,
 * projects 42 and 7, a query token), and a reader of its aggregates that answers like the sessions API does, straight
 * from the aggregation side, so the ground truth can be checked with or without the HTTP query route.
 */
final class LocalNode implements AutoCloseable
{
    static final String KEY_42 = "0123456789abcdef0123456789abcdef";
    static final String KEY_7 = "77777777777777777777777777777777";
    static final String TOKEN = "loadgen-test-read-token";

    final CrashfreeNode node;

    private LocalNode(final CrashfreeNode node)
    {
        this.node = node;
    }

    static LocalNode start(final Path dataDir, final Map<String, String> overrides) throws InterruptedException
    {
        final Map<String, String> values = new HashMap<>();
        values.put("edge.http.host", "127.0.0.1");
        values.put("edge.http.port", "0");
        values.put("edge.http.event.loop.threads", "2");
        values.put("node.data.dir", dataDir.toString());
        values.put("project.42.keys", KEY_42);
        values.put("project.7.keys", KEY_7);
        values.put("query.tokens", TOKEN);
        values.put("aggregation.live.memory.megabytes", "16");
        values.put("aggregation.dedup.capacity.per.day", "65536");
        values.put("aggregation.names.capacity", "1024");
        values.put("aggregation.store.entries", "10000");
        values.putAll(overrides);
        return new LocalNode(CrashfreeNode.start(ConfigLoader.fromMap(values), Clock.systemUTC()));
    }

    /** @return the DSN of project 42. */
    String dsn()
    {
        return "http://" + KEY_42 + "@127.0.0.1:" + node.port() + "/42";
    }

    /**
     * @param project a project.
     * @param byStatus whether to group by session.status as well as release and environment.
     * @return what the sessions API would answer over everything the node holds for the project, computed from the
     *         aggregation side with the query engine's definitions.
     */
    SessionsAnswer answer(final long project, final boolean byStatus)
    {
        final AggregateView view = node.aggregation().view();
        final long nowMs = System.currentTimeMillis();
        final long width = node.config().aggregation().bucketWidthSec();
        final Map<StoreKey, AggregateValue> read = view.read(project, width, nowMs / 1000 - 86_400,
            nowMs / 1000 + 86_400, nowMs);
        final Map<List<Long>, AggregateValue> merged = new LinkedHashMap<>();
        for (final Map.Entry<StoreKey, AggregateValue> e : read.entrySet())
        {
            final List<Long> key = List.of(e.getKey().release(), e.getKey().environment());
            merged.computeIfAbsent(key, k -> new AggregateValue()).merge(e.getValue());
        }
        final List<SessionsAnswer.Group> groups = new ArrayList<>();
        for (final Map.Entry<List<Long>, AggregateValue> e : merged.entrySet())
        {
            final String release = view.names().name(project, NameTable.KIND_RELEASE, e.getKey().get(0));
            final String environment = e.getKey().get(1) == 0 ? null :
                view.names().name(project, NameTable.KIND_ENVIRONMENT, e.getKey().get(1));
            final AggregateValue v = e.getValue();
            if (!byStatus)
            {
                groups.add(group(release, environment, null, v.sessions(), Measures.users(v, SKETCH_USERS)));
                continue;
            }
            final long users = Measures.users(v, SKETCH_USERS);
            final long errored = Measures.users(v, SKETCH_ERRORED_USERS);
            final long crashed = Measures.users(v, SKETCH_CRASHED_USERS);
            final long abnormal = Measures.users(v, SKETCH_ABNORMAL_USERS);
            final long unhandled = Measures.users(v, SKETCH_UNHANDLED_USERS);
            groups.add(group(release, environment, Outcome.HEALTHY, Measures.healthy(v), Math.max(0, users - errored)));
            groups.add(group(release, environment, Outcome.ERRORED, Measures.erroredOnly(v),
                Math.max(0, errored - crashed - abnormal - unhandled)));
            groups.add(group(release, environment, Outcome.CRASHED, v.crashed(), crashed));
            groups.add(group(release, environment, Outcome.ABNORMAL, v.abnormal(), abnormal));
            groups.add(group(release, environment, Outcome.UNHANDLED, v.unhandled(), unhandled));
        }
        return new SessionsAnswer(groups);
    }

    private static SessionsAnswer.Group group(final String release, final String environment, final Outcome status,
        final long sessions, final long users)
    {
        final Map<String, String> by = new LinkedHashMap<>();
        by.put("release", release);
        by.put("environment", environment);
        if (status != null)
        {
            by.put("session.status", status.statusName());
        }
        final Map<String, Double> totals = new LinkedHashMap<>();
        totals.put("sum(session)", (double)sessions);
        totals.put("count_unique(user)", (double)users);
        return new SessionsAnswer.Group(by, totals);
    }

    @Override
    public void close()
    {
        node.close();
    }
}

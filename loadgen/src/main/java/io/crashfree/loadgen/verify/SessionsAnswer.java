package io.crashfree.loadgen.verify;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The groups of a sessions API answer (reference §6.5): each group's {@code by} values (release, environment,
 * session.status; an absent or null environment is null) and its {@code totals}.
 */
public final class SessionsAnswer
{
    /**
     * One group.
     *
     * @param by     the group's {@code by} object (values as strings; a JSON null or a missing key is absent or null).
     * @param totals its totals by field name.
     */
    public record Group(Map<String, String> by, Map<String, Double> totals)
    {
        /**
         * @param field a field such as {@code sum(session)}.
         * @return its total, 0 when absent or null.
         */
        public double total(final String field)
        {
            final Double v = totals.get(field);
            return v == null ? 0 : v;
        }
    }

    private final List<Group> groups;

    /** @param groups the groups. */
    public SessionsAnswer(final List<Group> groups)
    {
        this.groups = Collections.unmodifiableList(new ArrayList<>(groups));
    }

    /** @return the groups. */
    public List<Group> groups()
    {
        return groups;
    }

    /**
     * @param pages answers of consecutive pages.
     * @return their groups in one answer.
     */
    public static SessionsAnswer concat(final List<SessionsAnswer> pages)
    {
        final List<Group> all = new ArrayList<>();
        for (final SessionsAnswer p : pages)
        {
            all.addAll(p.groups);
        }
        return new SessionsAnswer(all);
    }

    /**
     * @param json a sessions API answer.
     * @return its groups.
     * @throws IOException when it is not JSON or not shaped like an answer.
     */
    @SuppressWarnings("unchecked")
    public static SessionsAnswer parse(final String json) throws IOException
    {
        final Object root = JsonTree.parse(json);
        if (!(root instanceof Map))
        {
            throw new IOException("the answer is not a JSON object");
        }
        final Object groupsValue = ((Map<String, Object>)root).get("groups");
        if (!(groupsValue instanceof List))
        {
            throw new IOException("the answer has no \"groups\" array");
        }
        final List<Group> groups = new ArrayList<>();
        for (final Object g : (List<Object>)groupsValue)
        {
            if (!(g instanceof Map))
            {
                throw new IOException("a group is not an object: " + g);
            }
            final Map<String, Object> group = (Map<String, Object>)g;
            final Map<String, String> by = new LinkedHashMap<>();
            final Object byValue = group.get("by");
            if (byValue instanceof Map)
            {
                for (final Map.Entry<String, Object> e : ((Map<String, Object>)byValue).entrySet())
                {
                    by.put(e.getKey(), e.getValue() == null ? null : String.valueOf(e.getValue()));
                }
            }
            final Map<String, Double> totals = new LinkedHashMap<>();
            final Object totalsValue = group.get("totals");
            if (totalsValue instanceof Map)
            {
                for (final Map.Entry<String, Object> e : ((Map<String, Object>)totalsValue).entrySet())
                {
                    if (e.getValue() instanceof Number)
                    {
                        totals.put(e.getKey(), ((Number)e.getValue()).doubleValue());
                    }
                }
            }
            groups.add(new Group(by, totals));
        }
        return new SessionsAnswer(groups);
    }
}

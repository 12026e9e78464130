package io.crashfree.edge.ingest;

import io.crashfree.aggregation.session.AggregateEntry;
import io.crashfree.aggregation.session.SessionAggregates;
import io.crashfree.aggregation.session.SessionAttributes;
import io.crashfree.aggregation.session.SessionStatus;
import io.crashfree.aggregation.session.SessionUpdate;
import io.crashfree.aggregation.session.Utf8Text;
import io.crashfree.filters.DropReason;
import io.crashfree.filters.SessionAggregatesView;
import io.crashfree.filters.SessionAttributesView;
import io.crashfree.filters.SessionUpdateView;

/**
 * Flyweight adapters that show the aggregation module's session records to the filters module as the views it
 * defines, so validation and inbound filters read and normalize the decoded records in place without copying.
 * One pair per event-loop thread; {@code wrap} re-points them, nothing is allocated per session.
 */
public final class FilterViews
{
    private FilterViews()
    {
    }

    /** The attributes part both views share. */
    private abstract static class AttributesView implements SessionAttributesView
    {
        SessionAttributes attributes;

        @Override
        public boolean hasRelease()
        {
            return attributes.release().isPresent();
        }

        @Override
        public byte[] releaseBytes()
        {
            return attributes.release().bytes();
        }

        @Override
        public int releaseLength()
        {
            return attributes.release().lengthBytes();
        }

        @Override
        public boolean hasEnvironment()
        {
            return attributes.environment().isPresent();
        }

        @Override
        public byte[] environmentBytes()
        {
            return attributes.environment().bytes();
        }

        @Override
        public int environmentLength()
        {
            return attributes.environment().lengthBytes();
        }

        @Override
        public void removeEnvironment()
        {
            attributes.environment().clear();
        }

        @Override
        public boolean hasIpAddress()
        {
            return attributes.ipAddress().isPresent();
        }

        @Override
        public byte[] ipAddressBytes()
        {
            return attributes.ipAddress().bytes();
        }

        @Override
        public int ipAddressLength()
        {
            return attributes.ipAddress().lengthBytes();
        }

        @Override
        public void ipAddress(final byte[] src, final int offset, final int length)
        {
            attributes.ipAddress().setBytes(src, offset, length);
        }

        @Override
        public void removeIpAddress()
        {
            attributes.ipAddress().clear();
        }

        @Override
        public boolean hasUserAgent()
        {
            final Utf8Text ua = attributes.userAgent();
            return ua.isPresent() && ua.lengthBytes() > 0;
        }

        @Override
        public byte[] userAgentBytes()
        {
            return attributes.userAgent().bytes();
        }

        @Override
        public int userAgentLength()
        {
            return attributes.userAgent().lengthBytes();
        }
    }

    /** A {@code session} item as the filters see it. */
    public static final class UpdateView extends AttributesView implements SessionUpdateView
    {
        private SessionUpdate update;

        /**
         * @param update the record to show.
         * @return this view.
         */
        public UpdateView wrap(final SessionUpdate update)
        {
            this.update = update;
            this.attributes = update.attributes();
            return this;
        }

        @Override
        public long startedMs()
        {
            return update.startedMs();
        }

        @Override
        public void startedMs(final long startedMs)
        {
            update.startedMs(startedMs);
        }

        @Override
        public long timestampMs()
        {
            return update.timestampMs();
        }

        @Override
        public void timestampMs(final long timestampMs)
        {
            update.timestampMs(timestampMs);
        }

        @Override
        public boolean isStatusKnown()
        {
            return update.status() != SessionStatus.UNKNOWN;
        }

        @Override
        public boolean hasSeq()
        {
            return update.hasSeq();
        }

        @Override
        public long seq()
        {
            return update.seq();
        }
    }

    /** Receives the sessions of aggregate entries the filters removed. */
    @FunctionalInterface
    public interface EntryDropListener
    {
        /**
         * @param reason   why.
         * @param sessions sessions in the removed entry.
         */
        void onEntryDropped(DropReason reason, long sessions);
    }

    /** A {@code sessions} item as the filters see it; removed entries are marked dropped. */
    public static final class AggregatesView extends AttributesView implements SessionAggregatesView
    {
        private final EntryDropListener listener;
        private SessionAggregates aggregates;

        /** @param listener told about every entry removed. */
        public AggregatesView(final EntryDropListener listener)
        {
            this.listener = listener;
        }

        /**
         * @param aggregates the record to show.
         * @return this view.
         */
        public AggregatesView wrap(final SessionAggregates aggregates)
        {
            this.aggregates = aggregates;
            this.attributes = aggregates.attributes();
            return this;
        }

        @Override
        public int entryCount()
        {
            return aggregates.entryCount();
        }

        @Override
        public long entryStartedMs(final int index)
        {
            return aggregates.entry(index).startedMs();
        }

        @Override
        public void entryStartedMs(final int index, final long startedMs)
        {
            aggregates.entry(index).startedMs(startedMs);
        }

        @Override
        public void removeEntry(final int index, final DropReason reason)
        {
            final AggregateEntry entry = aggregates.entry(index);
            if (!entry.dropped())
            {
                entry.drop();
                listener.onEntryDropped(reason, entry.totalCount());
            }
        }
    }
}

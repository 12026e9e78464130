package io.crashfree.filters;

/**
 * The {@code attrs} of a {@code session} or {@code sessions} item as the filters read and normalize them: four UTF-8
 * texts held in the edge's own reusable buffers, never copied.
 * <p>
 * Each text is a present flag, a backing array and the text's full encoded length. A holder that truncates may keep
 * fewer bytes than the full length: the valid bytes are {@code [0, min(length, array.length))}. The filters judge
 * lengths by the full length (a 300-byte release is too long even when 256 bytes were kept) and match on the bytes
 * kept.
 * <p>
 * The edge implements this (usually with {@link SessionUpdateView} or {@link SessionAggregatesView}) as a flyweight
 * over its decoded records; calls happen on the event-loop thread that owns the record.
 */
public interface SessionAttributesView
{
    /** @return whether {@code attrs.release} is present. */
    boolean hasRelease();

    /** @return the array holding {@code attrs.release}. */
    byte[] releaseBytes();

    /** @return the full UTF-8 length of {@code attrs.release}. */
    int releaseLength();

    /** @return whether {@code attrs.environment} is present. */
    boolean hasEnvironment();

    /** @return the array holding {@code attrs.environment}. */
    byte[] environmentBytes();

    /** @return the full UTF-8 length of {@code attrs.environment}. */
    int environmentLength();

    /** Removes {@code attrs.environment}: called when it is invalid (the session is kept). */
    void removeEnvironment();

    /** @return whether {@code attrs.ip_address} is present. */
    boolean hasIpAddress();

    /** @return the array holding {@code attrs.ip_address}. */
    byte[] ipAddressBytes();

    /** @return the full UTF-8 length of {@code attrs.ip_address}. */
    int ipAddressLength();

    /**
     * Replaces {@code attrs.ip_address}: called with the client IP's text when it was {@code {{auto}}}.
     *
     * @param src    ASCII text of the address.
     * @param offset first byte.
     * @param length number of bytes.
     */
    void ipAddress(byte[] src, int offset, int length);

    /** Removes {@code attrs.ip_address}: called when it was {@code {{auto}}} and no client IP is known. */
    void removeIpAddress();

    /** @return whether {@code attrs.user_agent} is present. */
    boolean hasUserAgent();

    /** @return the array holding {@code attrs.user_agent}. */
    byte[] userAgentBytes();

    /** @return the full UTF-8 length of {@code attrs.user_agent}. */
    int userAgentLength();
}

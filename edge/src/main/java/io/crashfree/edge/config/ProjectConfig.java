package io.crashfree.edge.config;

import java.util.List;

/**
 * One project: its id (the number in the DSN's path), a name, and the public keys SDKs may send with.
 *
 * @param id         project id, positive.
 * @param name       display name.
 * @param keySessionsPerSecond sessions per second one public key may send, 0 = no limit
 *                   ({@code project.<id>.limits.key.sessions.per.second}).
 * @param publicKeys 32-hex-character public keys, lower case.
 * @param crashFreeUsersThreshold    the crash-free users percentage below which the dashboard marks a release
 *                                   ({@code project.<id>.dashboard.crash.free.users.threshold}, default
 *                                   {@code dashboard.crash.free.users.threshold}, 99.5).
 * @param crashFreeSessionsThreshold the same for crash-free sessions ({@code …sessions.threshold}, 98).
 */
public record ProjectConfig(long id, String name, List<String> publicKeys, int keySessionsPerSecond,
    double crashFreeUsersThreshold, double crashFreeSessionsThreshold)
{
    /**
     * @param publicKey a key, lower case.
     * @return whether the key belongs to this project.
     */
    public boolean hasKey(final String publicKey)
    {
        return publicKeys.contains(publicKey);
    }
}

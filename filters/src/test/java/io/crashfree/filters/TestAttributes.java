package io.crashfree.filters;

/** The {@code attrs} part of the test views, with the edge's capacities. */
abstract class TestAttributes implements SessionAttributesView
{
    final TestText release = new TestText(256);
    final TestText environment = new TestText(128);
    final TestText ipAddress = new TestText(64);
    final TestText userAgent = new TestText(512);

    @Override
    public boolean hasRelease()
    {
        return release.present;
    }

    @Override
    public byte[] releaseBytes()
    {
        return release.bytes;
    }

    @Override
    public int releaseLength()
    {
        return release.length;
    }

    @Override
    public boolean hasEnvironment()
    {
        return environment.present;
    }

    @Override
    public byte[] environmentBytes()
    {
        return environment.bytes;
    }

    @Override
    public int environmentLength()
    {
        return environment.length;
    }

    @Override
    public void removeEnvironment()
    {
        environment.set(null);
    }

    @Override
    public boolean hasIpAddress()
    {
        return ipAddress.present;
    }

    @Override
    public byte[] ipAddressBytes()
    {
        return ipAddress.bytes;
    }

    @Override
    public int ipAddressLength()
    {
        return ipAddress.length;
    }

    @Override
    public void ipAddress(final byte[] src, final int offset, final int length)
    {
        ipAddress.set(src, offset, length);
    }

    @Override
    public void removeIpAddress()
    {
        ipAddress.set(null);
    }

    @Override
    public boolean hasUserAgent()
    {
        return userAgent.present;
    }

    @Override
    public byte[] userAgentBytes()
    {
        return userAgent.bytes;
    }

    @Override
    public int userAgentLength()
    {
        return userAgent.length;
    }
}

package io.crashfree.filters;

import java.nio.charset.StandardCharsets;

/** A bounded UTF-8 holder that behaves like the edge's: it keeps at most its capacity and remembers the full length. */
final class TestText
{
    final byte[] bytes;
    int length;
    boolean present;

    TestText(final int capacity)
    {
        bytes = new byte[capacity];
    }

    void set(final String text)
    {
        if (text == null)
        {
            present = false;
            length = 0;
            return;
        }
        final byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(utf8, 0, bytes, 0, Math.min(utf8.length, bytes.length));
        length = utf8.length;
        present = true;
    }

    void set(final byte[] src, final int offset, final int len)
    {
        System.arraycopy(src, offset, bytes, 0, Math.min(len, bytes.length));
        length = len;
        present = true;
    }

    String get()
    {
        return present ? new String(bytes, 0, Math.min(length, bytes.length), StandardCharsets.UTF_8) : null;
    }
}

package io.crashfree.aggregation.sketch;

/**
 * A set of coupons for {@link CouponUnion}: open addressing with linear probing over an {@code int[]}, 0 as the
 * empty slot (a coupon is never 0), grown at half full. Coupons are hash bits already, so one multiply spreads them.
 * <p>
 * Why not Agrona's {@code IntHashSet}: a query adds a few hundred thousand coupons, and that set's general-purpose
 * hashing, missing-value handling and resizing were a sixth of a warm query's time.
 */
final class CouponSet
{
    private int[] slots;
    private int size;

    CouponSet(final int expected)
    {
        slots = new int[Math.max(16, Integer.highestOneBit(Math.max(1, expected) * 2 - 1) * 2)];
    }

    private CouponSet(final int[] slots, final int size)
    {
        this.slots = slots;
        this.size = size;
    }

    /** @param coupon a non-zero coupon; added once however often it comes. */
    void add(final int coupon)
    {
        final int[] s = slots;
        final int mask = s.length - 1;
        int i = (coupon * 0x9E3779B9) >>> (32 - Integer.numberOfTrailingZeros(s.length)) & mask;
        int existing;
        while ((existing = s[i]) != 0)
        {
            if (existing == coupon)
            {
                return;
            }
            i = (i + 1) & mask;
        }
        s[i] = coupon;
        if (++size * 2 > s.length)
        {
            grow();
        }
    }

    /** @param coupons how many coupons the set is about to hold at most: grows once now instead of step by step. */
    void ensureCapacity(final int coupons)
    {
        if (coupons * 2 > slots.length)
        {
            rehash(Integer.highestOneBit(coupons * 2 - 1) * 2);
        }
    }

    private void grow()
    {
        rehash(slots.length * 2);
    }

    private void rehash(final int length)
    {
        final int[] old = slots;
        slots = new int[length];
        size = 0;
        for (final int c : old)
        {
            if (c != 0)
            {
                add(c);
            }
        }
    }

    int size()
    {
        return size;
    }

    boolean isEmpty()
    {
        return size == 0;
    }

    /** @return the slot array's length (iterate {@link #slot} over it; empty slots read 0). */
    int capacity()
    {
        return slots.length;
    }

    /** @return the coupon in a slot, 0 when empty. */
    int slot(final int index)
    {
        return slots[index];
    }

    CouponSet copy()
    {
        return new CouponSet(slots.clone(), size);
    }

    /** @return the coupons, in slot order. */
    int[] toArray()
    {
        final int[] out = new int[size];
        int n = 0;
        for (final int c : slots)
        {
            if (c != 0)
            {
                out[n++] = c;
            }
        }
        return out;
    }
}

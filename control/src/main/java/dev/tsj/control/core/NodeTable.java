package dev.tsj.control.core;

import java.util.Arrays;

/**
 * The node ids one compilation of the policy covered, ascending; a viewer's peers are a bit
 * set over positions in this table, an eighth of a byte per peer, since a tailnet where
 * everyone sees everyone has as many peer pairs as nodes squared. Immutable.
 */
final class NodeTable {
    private final long[] ids;

    NodeTable(long[] ascendingIds) {
        this.ids = ascendingIds.clone();
        for (int i = 1; i < ids.length; i++) {
            if (ids[i - 1] >= ids[i]) {
                throw new IllegalArgumentException("node ids must ascend");
            }
        }
    }

    int size() {
        return ids.length;
    }

    long id(int position) {
        return ids[position];
    }

    /** The position of an id, or a negative number when it is not in the table. */
    int position(long id) {
        return Arrays.binarySearch(ids, id);
    }
}

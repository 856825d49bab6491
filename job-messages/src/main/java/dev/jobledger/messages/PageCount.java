package dev.jobledger.messages;

/** How many pages of a given size hold a given number of items. */
final class PageCount {

    private PageCount() {}

    static int of(long total, int pageSize) {
        return (int) ((total + pageSize - 1) / pageSize);
    }
}

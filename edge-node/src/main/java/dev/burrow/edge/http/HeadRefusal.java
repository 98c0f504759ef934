package dev.burrow.edge.http;

/**
 * Why the edge answers a request head itself and closes the connection: the status, a short reason for the log and
 * the sentence of the error page.
 */
record HeadRefusal(int status, String reason, String sentence) {
    static HeadRefusal badRequest(String reason, String sentence) {
        return new HeadRefusal(400, reason, sentence);
    }

    /** The status line's reason phrase. */
    String phrase() {
        return switch (status) {
            case 400 -> "Bad Request";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 414 -> "URI Too Long";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            case 505 -> "HTTP Version Not Supported";
            default -> "Error";
        };
    }
}

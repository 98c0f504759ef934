package dev.burrow.policy.engine;

/** An address range such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address is a range of one. */
public final class CidrRange {
    private final byte[] network;
    private final int prefixBits;
    private final String text;

    private CidrRange(byte[] network, int prefixBits, String text) {
        this.network = network;
        this.prefixBits = prefixBits;
        this.text = text;
    }

    /** The range, or null when {@code text} is not one (callers turn that into a located message). */
    public static CidrRange parse(String text) {
        if (text == null) {
            return null;
        }
        String trimmed = text.strip();
        int slash = trimmed.indexOf('/');
        byte[] address = IpAddresses.parse(slash < 0 ? trimmed : trimmed.substring(0, slash));
        if (address == null) {
            return null;
        }
        int bits = address.length * 8;
        if (slash >= 0) {
            String prefix = trimmed.substring(slash + 1);
            if (prefix.isEmpty() || prefix.length() > 3 || !prefix.chars().allMatch(Character::isDigit)) {
                return null;
            }
            bits = Integer.parseInt(prefix);
            if (bits > address.length * 8) {
                return null;
            }
        }
        return new CidrRange(address, bits, trimmed);
    }

    public boolean contains(byte[] address) {
        if (address == null || address.length != network.length) {
            return false;
        }
        int whole = prefixBits / 8;
        for (int i = 0; i < whole; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixBits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (address[whole] & mask) == (network[whole] & mask);
    }

    @Override
    public String toString() {
        return text;
    }
}

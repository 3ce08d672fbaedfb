"""One package per external system; each speaks that system's protocol and maps it to the gateway's own."""

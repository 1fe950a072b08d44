package io.github.stalekeys.policy;

/** A setting (rule parameter, environment variable or payload field) has a value that cannot be used. */
public final class InvalidSettingException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String settingName;

    public InvalidSettingException(String settingName, String problem) {
        super(settingName + " " + problem);
        this.settingName = settingName;
    }

    /** Longest excerpt of a bad value an error quotes: enough to recognise it, never a whole payload. */
    static final int ECHO_LIMIT = 64;

    /**
     * A bad value as an error may quote it: in single quotes, control characters escaped (a newline must not
     * start a forged log line), cut to {@value #ECHO_LIMIT} characters with its full length given.
     */
    public static String echo(String value) {
        if (value == null) {
            return "nothing";
        }
        String excerpt = value.length() > ECHO_LIMIT ? value.substring(0, ECHO_LIMIT) : value;
        StringBuilder shown = new StringBuilder("'");
        excerpt.codePoints().forEach(c -> {
            switch (c) {
                case '\\' -> shown.append("\\\\");
                case '\n' -> shown.append("\\n");
                case '\r' -> shown.append("\\r");
                case '\t' -> shown.append("\\t");
                default -> {
                    int type = Character.getType(c);
                    // Controls (NEL among them), bidi and zero-width marks, line and paragraph separators: none may
                    // start a forged line or reorder what a reader sees.
                    if (Character.isISOControl(c)
                            || type == Character.FORMAT
                            || type == Character.LINE_SEPARATOR
                            || type == Character.PARAGRAPH_SEPARATOR) {
                        shown.append(String.format("\\u%04x", c));
                    } else {
                        shown.appendCodePoint(c);
                    }
                }
            }
        });
        shown.append('\'');
        if (value.length() > ECHO_LIMIT) {
            shown.append("... (").append(value.length()).append(" characters)");
        }
        return shown.toString();
    }

    /** The name of the offending setting, exactly as the user spells it. */
    public String settingName() {
        return settingName;
    }
}

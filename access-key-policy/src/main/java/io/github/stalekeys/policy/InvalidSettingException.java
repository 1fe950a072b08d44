package io.github.stalekeys.policy;

/** A setting (rule parameter, environment variable or payload field) has a value that cannot be used. */
public final class InvalidSettingException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String settingName;

    public InvalidSettingException(String settingName, String problem) {
        super(settingName + " " + problem);
        this.settingName = settingName;
    }

    /** The name of the offending setting, exactly as the user spells it. */
    public String settingName() {
        return settingName;
    }
}

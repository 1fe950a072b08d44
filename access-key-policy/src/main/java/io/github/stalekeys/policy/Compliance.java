package io.github.stalekeys.policy;

/** The outcomes the rule reports to AWS Config ({@code INSUFFICIENT_DATA} is not accepted there). */
public enum Compliance {
    COMPLIANT,
    NON_COMPLIANT,
    NOT_APPLICABLE
}

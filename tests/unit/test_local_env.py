"""The local stack's dev defaults never override what the environment already says."""

from devtools.local_env import apply_defaults


def test_defaults_fill_only_unset_variables():
    env = {"UPVEND_A": "mine", "UPVEND_B": ""}
    applied = apply_defaults({"UPVEND_A": "dev", "UPVEND_B": "dev", "UPVEND_C": "dev"}, env)
    assert env == {"UPVEND_A": "mine", "UPVEND_B": "", "UPVEND_C": "dev"}
    assert applied == env

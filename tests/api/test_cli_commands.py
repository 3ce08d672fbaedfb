"""The commands the dead-letter, key, config, jobs and account tests do not reach otherwise."""

from __future__ import annotations

from tests.api.test_dead_letters import dead_message


def test_dead_letters_cli_lists_resends_and_refuses_what_the_service_refuses(app, client, auth, services):
    message_id = dead_message(client, auth, services)
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["dead-letters", "list"])
    assert listed.exit_code == 0
    assert f"{message_id}\t" in listed.output and "attempts=8" in listed.output
    assert listed.output.endswith("1 dead letter(s)\n")
    unexplained = runner.invoke(args=["dead-letters", "resend", str(message_id)])
    assert unexplained.exit_code == 2 and "--reason" in unexplained.output
    resent = runner.invoke(args=["dead-letters", "resend", str(message_id), "--reason", "对方已修复"])
    assert (resent.exit_code, resent.output) == (0, f"message {message_id}: pending\n")
    again = runner.invoke(args=["dead-letters", "discard", str(message_id), "--reason", "重复"])
    assert again.exit_code == 2 and "Error:" in again.output
    missing = runner.invoke(args=["dead-letters", "discard", "999999", "--reason", "x"])
    assert missing.exit_code == 2 and "outbox message 999999 not found" in missing.output
    assert "0 dead letter(s)" in runner.invoke(args=["dead-letters", "list"]).output


def test_keys_revoke_cli(app):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["keys", "create", "--role", "supervisor", "--name", "督办"])
    key_id = created.output.split()[1]
    revoked = runner.invoke(args=["keys", "revoke", key_id])
    assert (revoked.exit_code, revoked.output) == (0, f"key {key_id} revoked\n")
    assert f"{key_id}\t" in runner.invoke(args=["keys", "list"]).output.split("revoked")[0]
    missing = runner.invoke(args=["keys", "revoke", "999999"])
    assert missing.exit_code == 2 and "key 999999 not found" in missing.output


def test_config_check_and_db_upgrade_report_what_they_found(app, services):
    runner = app.test_cli_runner()
    checked = runner.invoke(args=["config", "check"])
    settings = services.settings
    assert checked.output.startswith(
        f"ok: {len(settings.departments)} departments, {len(settings.routing_rules)} routing rules"
    )
    upgraded = runner.invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0 and upgraded.output.startswith("database at ")


def test_jobs_run_refuses_an_unknown_job(app):
    refused = app.test_cli_runner().invoke(args=["jobs", "run", "nope"])
    assert refused.exit_code == 2
    assert "unknown job nope; known: deliver, hotline_poll, catalog_sync, deadline_sweep" in refused.output


def test_users_create_prompts_twice_and_activate_lets_a_deactivated_account_in_again(app):
    runner = app.test_cli_runner()
    command = ["users", "create", "op08", "--role", "window", "--name", "窗口八"]
    mistyped = runner.invoke(args=command, input="cli-pass-2026\ncli-pass-2027\n")
    assert mistyped.exit_code != 0 and "op08" not in runner.invoke(args=["users", "list"]).output
    created = runner.invoke(args=command, input="cli-pass-2026\ncli-pass-2026\n")
    assert created.exit_code == 0 and created.output.endswith("(window, 窗口八): op08\n")
    assert runner.invoke(args=["users", "deactivate", "OP08"]).output == "account op08 deactivated\n"
    assert runner.invoke(args=["users", "activate", "op08"]).output == "account op08 activated\n"
    assert "op08\twindow\t窗口八\tactive" in runner.invoke(args=["users", "list"]).output
    missing = runner.invoke(args=["users", "activate", "nobody"])
    assert missing.exit_code == 2 and "Error:" in missing.output

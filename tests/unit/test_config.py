"""Settings from the environment: numbers with a decimal point, and clear refusals."""

from __future__ import annotations

import pytest

from bdc.config import ConfigError, load_config


def test_a_decimal_setting_from_the_environment_is_a_number(monkeypatch, tmp_path):
    monkeypatch.setenv("BDC_SUPERVISION_MIN_PERCENT", "4.5")
    config = load_config(str(tmp_path))
    assert config["SUPERVISION_MIN_PERCENT"] == 4.5
    # A whole number is fine too, and stays a float.
    monkeypatch.setenv("BDC_SUPERVISION_MIN_PERCENT", " 6 ")
    assert load_config(str(tmp_path))["SUPERVISION_MIN_PERCENT"] == 6.0


@pytest.mark.parametrize("raw", ["4,5", "five", "", "nan", "inf"])
def test_a_decimal_setting_that_is_not_a_number_is_refused_by_name(monkeypatch, tmp_path, raw):
    monkeypatch.setenv("BDC_SUPERVISION_MIN_PERCENT", raw)
    with pytest.raises(ConfigError, match="BDC_SUPERVISION_MIN_PERCENT must be a number"):
        load_config(str(tmp_path))


def test_the_supervision_rules_use_the_decimal_setting(monkeypatch, tmp_path):
    from bdc import create_app
    from bdc.supervision_rules import month_compliance

    monkeypatch.setenv("BDC_SUPERVISION_MIN_PERCENT", "4.5")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'bdc.db'}", "TESTING": True})
    with app.app_context():
        from bdc.services.supervision import rules

        clinic = rules()
        assert clinic.min_percent == 4.5
        # 1000 min of service: 4.5 % is 45 min; 45 supervised minutes meet it, 44 do not.
        assert month_compliance(1000.0, [], clinic).minutes_needed == 45

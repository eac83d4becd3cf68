"""A person may choose their own time zone in the profile (issue 17): the applicant's pages then give
dates by which to act in Beijing time and in theirs; a name that is no time zone is refused with a
translated reason and nothing is changed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from shenbao.accounts.models import Person, User

pytestmark = pytest.mark.django_db

FORM = {"p-name": "王伟", "p-position": "faculty", "p-employment_type": "full_time", "p-overseas_employment": "false"}


def test_the_time_zone_is_chosen_in_the_profile_and_an_unknown_one_is_refused(client: Client, scholar: User) -> None:
    client.force_login(scholar)
    url = reverse("web:profile")
    page = client.get(url, headers={"accept-language": "zh-hans"}).content.decode()
    assert '<option value="" selected>仅显示北京时间</option>' in page
    assert '<option value="Europe/Berlin">Europe/Berlin</option>' in page
    assert client.post(url, {**FORM, "p-time_zone": "Europe/Berlin"}).status_code == 302
    assert Person.objects.get(user=scholar).time_zone == "Europe/Berlin"
    refused = client.post(url, {**FORM, "p-name": "改名", "p-time_zone": "Mars/Olympus"}, headers={"accept-language": "en"})
    assert refused.status_code == 400
    assert "Select a valid choice. Mars/Olympus is not one of the available choices." in refused.content.decode()
    person = Person.objects.get(user=scholar)
    assert (person.name, person.time_zone) == ("王伟", "Europe/Berlin")  # nothing saved
    # Back to Beijing time only.
    assert client.post(url, {**FORM, "p-time_zone": ""}).status_code == 302
    assert Person.objects.get(user=scholar).time_zone == ""
    page = client.get(reverse("web:my_applications"), headers={"accept-language": "en"}).content.decode()
    assert "You have no applications yet." in page

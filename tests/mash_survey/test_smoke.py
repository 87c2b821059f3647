import pytest

pytestmark = pytest.mark.django_db


def test_the_areas_page_lists_152_authorities_in_9_regions(client, register):
    response = client.get("/areas/")
    assert response.status_code == 200
    assert response.context["authority_total"] == 152
    assert len(response.context["regions"]) == 9


def test_a_staff_factory_user_is_a_project_member(staff_client):
    assert staff_client.get("/visits/").status_code == 200

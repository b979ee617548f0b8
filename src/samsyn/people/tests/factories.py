import datetime

import factory

from samsyn.accounts.tests.factories import OrganisationFactory
from samsyn.people import personnummer
from samsyn.people.models import Person


def _number(n: int) -> str:
    birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=(n * 37) % 15000)
    return personnummer.generate(birth, 100 + n % 800)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    personnummer = factory.Sequence(_number)
    kind = "personnummer"
    given_name = factory.Iterator(["Lena", "Per", "Sara", "Johan"])
    family_name = factory.Iterator(["Andersson", "Berg", "Nilsson", "Holm"])
    birth_date = factory.LazyAttribute(lambda p: personnummer.parse(p.personnummer).birth_date)
    sex = factory.LazyAttribute(lambda p: personnummer.parse(p.personnummer).sex)
    care_unit = factory.SubFactory(OrganisationFactory)

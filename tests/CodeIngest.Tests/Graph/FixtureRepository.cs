// A small repository with known structure, written by the test: a CLI entry point, an import cycle
// (orders <-> pricing), three layers, known calls and inheritance, one branchy function, a planted
// secret and a planted eval. The second commit removes the eval, adds a module and changes pricing.
using CodeIngest.Tests.Pipeline;

namespace CodeIngest.Tests.Graph;

internal static class FixtureRepository
{
    /// <summary>Assembled at run time so no key-shaped literal sits in the test sources.</summary>
    public static readonly string PlantedKey = "AKIA" + "ZT6NQ4WL3XRB8EKD";

    public const string Pricing =
        """
        from shop.models import Order
        from shop import orders


        def total(order):
            result = 0
            for item in order.items:
                if item.startswith("x"):
                    result += 2
                elif item:
                    result += 1
            return result


        def rate(order):
            return eval(order.expression)


        def reorder(items):
            return orders.place_order(items)
        """;

    public static string Create()
    {
        var root = TestRepos.NewDirectory("codeingest-fixture-");
        TestRepos.Git(root, "init", "-q");
        TestRepos.Write(root, "README.md", "# Shop\n\nShop computes order totals from the command line.\n\n## Usage\n\n    python -m shop.cli a b\n");
        TestRepos.Write(root, "shop/__init__.py", "");
        TestRepos.Write(root, "shop/cli.py",
            """
            import sys
            from shop.orders import place_order


            def main(argv):
                total = place_order(argv[1:])
                print(total)
                return 0


            if __name__ == "__main__":
                sys.exit(main(sys.argv))
            """);
        TestRepos.Write(root, "shop/orders.py",
            """
            from shop import pricing
            from shop.models import Order


            def place_order(items):
                order = Order(items)
                return pricing.total(order)
            """);
        TestRepos.Write(root, "shop/pricing.py", Pricing);
        TestRepos.Write(root, "shop/models.py",
            """
            class Base:
                pass


            class Order(Base):
                def __init__(self, items):
                    self.items = items
            """);
        TestRepos.Write(root, "shop/settings.py", $"REGION = \"eu-west-1\"\nAWS_ACCESS_KEY_ID = \"{PlantedKey}\"\n");
        TestRepos.Git(root, "add", "-A");
        TestRepos.Git(root, "commit", "-q", "-m", "first");
        return root;
    }

    /// <summary>Second commit: eval removed from pricing, shop/tax.py added.</summary>
    public static void Evolve(string root)
    {
        TestRepos.Write(root, "shop/pricing.py", Pricing.Replace("return eval(order.expression)", "return float(order.expression)", StringComparison.Ordinal));
        TestRepos.Write(root, "shop/tax.py", "def vat(amount):\n    return amount * 0.2\n");
        TestRepos.Git(root, "add", "-A");
        TestRepos.Git(root, "commit", "-q", "-m", "second");
    }
}

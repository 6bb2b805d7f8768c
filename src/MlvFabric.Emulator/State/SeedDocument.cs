using System.Collections.Generic;

namespace MlvFabric.Emulator.State;

/// <summary>The seed file (<c>--seed file.json</c>): the tenant the emulator starts with and returns to on reset.</summary>
internal sealed class SeedDocument
{
    /// <summary>Names the tenant (its id is derived from it unless <see cref="TenantId"/> is given).</summary>
    public string? TenantName { get; set; }
    public string? TenantId { get; set; }
    public List<SeedWorkspace> Workspaces { get; set; } = new();
}

internal sealed class SeedWorkspace
{
    public string Name { get; set; } = "";
    public string? Id { get; set; }
    public string? Description { get; set; }
    public string? CapacityId { get; set; }
    public List<SeedLakehouse> Lakehouses { get; set; } = new();

    /// <summary>Other items (e.g. a Notebook) to exercise "not a lakehouse".</summary>
    public List<SeedItem> Items { get; set; } = new();
}

internal sealed class SeedLakehouse
{
    public string Name { get; set; } = "";
    public string? Id { get; set; }
    public string? Description { get; set; }
    public double? DurationSeconds { get; set; }
    public double? QueueSeconds { get; set; }
    public double? FailureRate { get; set; }
    public string? FailureCode { get; set; }
    public string? FailureMessage { get; set; }

    /// <summary>Finished scheduled <c>TableMaintenance</c> runs in the job history before the start (default 0).</summary>
    public int? TableMaintenanceRuns { get; set; }

    public List<SeedMlv> Mlvs { get; set; } = new();
}

internal sealed class SeedMlv
{
    public string Name { get; set; } = "";
    public List<string>? DependsOn { get; set; }
}

internal sealed class SeedItem
{
    public string Name { get; set; } = "";
    public string Type { get; set; } = "Notebook";
    public string? Id { get; set; }
    public string? Description { get; set; }
}

/// <summary>The built-in tenant: Sales (Bronze, Silver, Gold, a notebook) and Finance (Ledger).</summary>
internal static class DefaultSeed
{
    public static SeedDocument Create() => new()
    {
        TenantName = "Contoso",
        Workspaces =
        {
            new SeedWorkspace
            {
                Name = "Sales",
                Description = "Sales analytics",
                Lakehouses =
                {
                    Lh("Bronze", "Raw sales data, cleaned",
                        ("bronze.customers_clean", new string[0]),
                        ("bronze.orders_clean", new string[0]),
                        ("bronze.order_lines", new[] { "bronze.orders_clean" })),
                    Lh("Silver", "Conformed sales data",
                        ("silver.customers", new string[0]),
                        ("silver.orders", new string[0]),
                        ("silver.customer_orders", new[] { "silver.customers", "silver.orders" }),
                        ("silver.order_stats", new[] { "silver.customer_orders" })),
                    Lh("Gold", "Sales reporting",
                        ("gold.sales_daily", new string[0]),
                        ("gold.sales_by_region", new[] { "gold.sales_daily" }),
                        ("gold.customer_ltv", new string[0]),
                        ("gold.kpi_summary", new[] { "gold.sales_by_region", "gold.customer_ltv" })),
                },
                Items = { new SeedItem { Name = "Sales Notebook", Type = "Notebook", Description = "Not a lakehouse" } },
            },
            new SeedWorkspace
            {
                Name = "Finance",
                Description = "Finance and ledger",
                Lakehouses =
                {
                    Lh("Ledger", "General ledger",
                        ("ledger.entries", new string[0]),
                        ("ledger.balances", new[] { "ledger.entries" }),
                        ("ledger.trial_balance", new[] { "ledger.balances" }),
                        ("finance.pnl", new[] { "ledger.balances" })),
                },
            },
        },
    };

    private static SeedLakehouse Lh(string name, string description, params (string Name, string[] Up)[] mlvs)
    {
        // Real lakehouses also run table maintenance: their job list is never MLV runs only.
        var lh = new SeedLakehouse { Name = name, Description = description, TableMaintenanceRuns = 3 };
        foreach (var (n, up) in mlvs)
        {
            lh.Mlvs.Add(new SeedMlv { Name = n, DependsOn = new List<string>(up) });
        }

        return lh;
    }
}
